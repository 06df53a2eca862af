"""One review run: read the pull request, check its configs, post what is new.

The runs are planned and collected as `qatfix check` plans and collects them
(`qatfix.run.collect`), for the files the pull request changes in the checkout, with a request
that is static only and names the checkout as its root, because a pull request is untrusted:
no URL it contains is fetched and no `_BASE_` may lead outside the checkout. `check` (the rules
engine's `check`) is a parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable
from functools import partial
from typing import Any

from qatfix.findings import Finding
from qatfix.review.checkout import checked_out_commit
from qatfix.review.dedupe import already_posted
from qatfix.review.diff_lines import FileDiff, parse_patch
from qatfix.review.github_api import GitHubClient, GitHubError
from qatfix.review.items import ReviewItem, build_items
from qatfix.config.repo_paths import read_text
from qatfix.review.payload import build_review
from qatfix.review.retry import is_rate_limited
from qatfix.review.settings import ReviewSettings
from qatfix.run.collect import Checker, collect
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from qatfix.run.unchecked import UNREADABLE

#: pseudo-code of a config that could not be read at all (missing base, syntax error, ...)
CONFIG_ERROR_CODE = UNREADABLE


@dataclass(frozen=True)
class ReviewOutcome:
    """What happened; `state` is one of: posted, posted-body-only, nothing-to-say,
    nothing-new, not-permitted, dry-run."""

    state: str
    items: tuple[ReviewItem, ...]
    new: tuple[ReviewItem, ...]
    #: the runs checked (absolute paths)
    targets: tuple[Run, ...]
    review_url: str | None = None
    payload: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()


def _pull_path(settings: ReviewSettings, tail: str = "") -> str:
    return f"/repos/{settings.repo}/pulls/{settings.pr}{tail}"


def changed_files(client: GitHubClient, settings: ReviewSettings) -> dict[str, FileDiff]:
    """Files the pull request adds or modifies (removed ones have nothing to check)."""
    diffs: dict[str, FileDiff] = {}
    for entry in client.paginate(_pull_path(settings, "/files")):
        if entry.get("status") == "removed" or not isinstance(entry.get("filename"), str):
            continue
        diffs[entry["filename"]] = parse_patch(entry["filename"], entry.get("patch"))
    return diffs


def review_request(root: str, diffs: dict[str, FileDiff]) -> CheckRequest:
    """What a review checks: the changed files of the checkout `root`, statically, reading
    nothing outside it."""
    return CheckRequest(paths=tuple(diffs), root=root, static_only=True)


def _post(client: GitHubClient, settings: ReviewSettings,
          review: dict[str, Any]) -> dict[str, Any]:
    return client.post_json(_pull_path(settings, "/reviews"), review)


def _is_refusal(exc: GitHubError) -> bool:
    return exc.status == 403 and not is_rate_limited(403, exc.headers, str(exc))


def run_review(settings: ReviewSettings, check: Checker,
               client: GitHubClient) -> ReviewOutcome:
    notes: list[str] = []
    head_sha = settings.head_sha
    if not head_sha:
        head_sha = client.get_json(_pull_path(settings))["head"]["sha"]
    inline = True
    local = checked_out_commit(settings.root)
    if local is not None and local != head_sha:
        inline = False
        notes.append(f"the working tree is commit {local[:12]}, not the pull request head "
                     f"{head_sha[:12]}; findings go into the review body only "
                     "(check out the head commit to get suggested changes)")
    diffs = changed_files(client, settings)

    collected = collect(review_request(settings.root, diffs), check)
    targets = collected.runs
    notes.extend(run.why for run in targets if run.why)
    findings: list[Finding] = list(collected.in_run_order)
    read: Callable[[str], str | None] = partial(read_text, settings.root)
    items = build_items(findings, settings.root, diffs, read, inline=inline)
    if not items:
        return ReviewOutcome("nothing-to-say", items, (), targets, notes=tuple(notes))

    reviews = client.paginate(_pull_path(settings, "/reviews"))
    comments = client.paginate(_pull_path(settings, "/comments"))
    posted = already_posted(reviews, comments, settings.trusted_logins)
    new = tuple(i for i in items if i.fingerprint not in posted)
    if not new:
        return ReviewOutcome("nothing-new", items, new, targets, notes=tuple(notes))

    review = build_review(new, head_sha, earlier=len(items) - len(new))
    if settings.dry_run:
        return ReviewOutcome("dry-run", items, new, targets, payload=review, notes=tuple(notes))
    state = "posted"
    try:
        try:
            response = _post(client, settings, review)
        except GitHubError as exc:
            if exc.status != 422 or "comments" not in review:
                raise
            notes.append(f"GitHub rejected the inline comments ({exc}); "
                         "posted the findings in the review body instead")
            review = build_review(new, head_sha, with_comments=False,
                                  earlier=len(items) - len(new))
            state = "posted-body-only"
            response = _post(client, settings, review)
    except GitHubError as exc:
        if not _is_refusal(exc):
            raise
        notes.append(f"the token may not review this pull request ({exc}); "
                     "a pull request from a fork gets a read-only token")
        return ReviewOutcome("not-permitted", items, new, targets, payload=review,
                             notes=tuple(notes))
    url = response.get("html_url") if isinstance(response, dict) else None
    return ReviewOutcome(state, items, new, targets, review_url=url, payload=review,
                         notes=tuple(notes))
