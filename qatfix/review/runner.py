"""One review run: read the pull request, check its configs, post what is new.

The finding source is a parameter with the signature of `qatfix.run.engine.check`; it is always
called with `static_only=True` and `root=` the repository, because a pull request is untrusted:
no URL it contains is fetched and no `_BASE_` may lead outside the checkout.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

from qatfix.run.shared_edits import SharedEdits
from qatfix.errors import ConfigError
from qatfix.findings import Finding
from qatfix.review.checkout import checked_out_commit
from qatfix.review.dedupe import already_posted
from qatfix.review.diff_lines import FileDiff, parse_patch
from qatfix.review.github_api import GitHubClient, GitHubError
from qatfix.review.items import ReviewItem, build_items
from qatfix.config.pairs import known_pairs
from qatfix.config.repo_paths import read_text
from qatfix.review.payload import build_review
from qatfix.review.retry import is_rate_limited
from qatfix.review.settings import ReviewSettings
from qatfix.review.targets import Target, select_targets
from qatfix.run.unchecked import UNREADABLE, not_understood, unreadable
from qatfix.registry import load_registry

#: pseudo-code of a config that could not be read at all (missing base, syntax error, ...)
CONFIG_ERROR_CODE = UNREADABLE


class FindingSource(Protocol):
    def __call__(self, config: str, slim: str | None = None, options: Sequence[str] = (), *,
                 root: str | None = None, static_only: bool = False,
                 reader: str | None = None) -> list[Finding]: ...


@dataclass(frozen=True)
class ReviewOutcome:
    """What happened; `state` is one of: posted, posted-body-only, nothing-to-say,
    nothing-new, not-permitted, dry-run."""

    state: str
    items: tuple[ReviewItem, ...]
    new: tuple[ReviewItem, ...]
    targets: tuple[Target, ...]
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


def collect_findings(check: FindingSource, root: str,
                     targets: Sequence[Target]) -> list[Finding]:
    findings: list[Finding] = []
    # a suggestion is safe only when no other run that reads the file it edits gets worse
    shared = SharedEdits((os.path.join(root, t.config), os.path.join(root, t.slim) if t.slim else None)
                         for t in targets if not t.reader)
    for target in targets:
        if target.unread_reader:
            findings.append(not_understood(os.path.join(root, target.config), target.reader_why))
            continue
        config = os.path.join(root, target.config)
        slim = os.path.join(root, target.slim) if target.slim else None
        reader = os.path.join(root, target.reader) if target.reader else None
        try:
            findings.extend(shared.judge(f) for f in check(config, slim, (), root=root,
                                                             static_only=True, reader=reader))
        except ConfigError as exc:
            findings.append(unreadable(exc, target.config, config))
    return findings


def _post(client: GitHubClient, settings: ReviewSettings,
          review: dict[str, Any]) -> dict[str, Any]:
    return client.post_json(_pull_path(settings, "/reviews"), review)


def _is_refusal(exc: GitHubError) -> bool:
    return exc.status == 403 and not is_rate_limited(403, exc.headers, str(exc))


def run_review(settings: ReviewSettings, check: FindingSource,
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

    targets = select_targets(settings.root, diffs, known_pairs(settings.root, load_registry()))
    notes.extend(t.reader_why for t in targets if t.reader_why and not t.unread_reader)
    findings = collect_findings(check, settings.root, targets)
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
