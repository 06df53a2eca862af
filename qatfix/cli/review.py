"""`qatfix review`: post findings on a GitHub pull request as one-click suggested changes.

Meant for GitHub Actions (see action.yml): everything it needs comes from the environment of a
`pull_request` run, or from flags when run elsewhere. Exit codes: 0 review posted or nothing to
say (also when the token may not post, e.g. a fork: the report then goes to the job summary),
1 with `--fail-on` and findings at or above that severity, 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from qatfix.run.gate import exit_code as findings_exit_code
from qatfix.run.engine import check
from qatfix.review import github_api
from qatfix.review.runner import run_review
from qatfix.review.settings import settings_from
from qatfix.review.step_summary import markdown_report, text_report, write_step_summary

NAME = "review"
HELP = "post findings on a GitHub pull request as suggestions"

_STATUS = {
    "posted": "Posted a review on {where}{url}.",
    "posted-body-only": "Posted a review on {where} (findings in the review body){url}.",
    "nothing-to-say": "No problems found in the configs changed by {where}.",
    "nothing-new": "Every finding on {where} was already reported by an earlier review.",
    "not-permitted": "Could not post a review on {where}: the token is read-only (a pull "
                     "request from a fork?). The findings are listed here instead.",
    "dry-run": "Dry run: nothing posted on {where}.",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--pr", type=int, help="pull request number (default: from the event)")
    parser.add_argument("--head-sha", help="head commit of the pull request (default: from the "
                        "event, else asked from GitHub)")
    parser.add_argument("--api-url", help="GitHub API root (default: $GITHUB_API_URL or "
                        "https://api.github.com)")
    parser.add_argument("--root", help="checked-out head of the pull request (default: cwd)")
    parser.add_argument("--fail-on", choices=("never", "error", "warning", "info"),
                        default="never", help="exit 1 when findings of this severity or worse "
                        "exist (default: never)")
    parser.add_argument("--bot-login", action="append", default=[], metavar="LOGIN",
                        help="also trust earlier qatfix reviews posted by this account (bot "
                        "accounts are always trusted); repeatable")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the review that would be posted instead of posting it")


def load_engine() -> Any:
    """The rules engine's `check`, imported only when a review runs."""
    return check


def make_client(settings: Any) -> Any:
    # looked up at call time so tests can replace the sleep and never wait
    return github_api.GitHubClient(settings.api_url, settings.token,
                                   sleep=lambda s: github_api.sleep_seconds(s))


def exit_code(outcome: Any, fail_on: str) -> int:
    """The threshold of `check --fail-on` (plus `never`) applied to the review's findings."""
    return findings_exit_code([item.finding for item in outcome.items], fail_on)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(repo=args.repo, pr=args.pr, api_url=args.api_url,
                             head_sha=args.head_sha, root=args.root, fail_on=args.fail_on,
                             trusted_logins=tuple(args.bot_login), dry_run=args.dry_run)
    outcome = run_review(settings, load_engine(), make_client(settings))
    where = f"{settings.repo}#{settings.pr}"
    url = f": {outcome.review_url}" if outcome.review_url else ""
    status = _STATUS[outcome.state].format(where=where, url=url)
    for note in outcome.notes:
        print(f"qatfix: note: {note}", file=sys.stderr)
    print(text_report(outcome.items, status))
    if outcome.state == "dry-run":
        print(json.dumps(outcome.payload, indent=2))
    write_step_summary(markdown_report(outcome.items, status))
    return exit_code(outcome, settings.fail_on)
