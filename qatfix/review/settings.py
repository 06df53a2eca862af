"""What one `qatfix review` run works on, from flags or from the GitHub Actions environment.

Flags win over the environment: `--repo` / `GITHUB_REPOSITORY`, `--pr` and `--head-sha` /
the pull_request event at `GITHUB_EVENT_PATH`, `--api-url` / `GITHUB_API_URL`. The token is only
read from `GITHUB_TOKEN` (a flag would show it in process lists and logs).
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qatfix.errors import UsageError
from qatfix.review.github_api import DEFAULT_API_URL, Secret

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
FAIL_ON = ("never", "error", "warning", "info")


@dataclass(frozen=True)
class ReviewSettings:
    """Everything one review run needs to know, read from the command line and the environment."""

    repo: str
    pr: int
    api_url: str
    root: str
    token: Secret = field(repr=False)
    head_sha: str | None = None
    fail_on: str = "never"
    trusted_logins: tuple[str, ...] = ()
    dry_run: bool = False


def _event(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload GITHUB_EVENT_PATH={path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def _from_event(event: Mapping[str, Any]) -> tuple[int | None, str | None]:
    pull = event.get("pull_request")
    if not isinstance(pull, dict):
        return None, None  # not a pull_request event (push, schedule, ...)
    number = pull.get("number", event.get("number"))
    given = pull.get("head")
    head = given if isinstance(given, dict) else {}
    sha = head.get("sha")
    return (number if isinstance(number, int) else None,
            sha if isinstance(sha, str) and sha else None)


def settings_from(*, repo: str | None = None, pr: int | None = None,
                  api_url: str | None = None, head_sha: str | None = None,
                  root: str | None = None, fail_on: str = "never",
                  trusted_logins: tuple[str, ...] = (), dry_run: bool = False,
                  environ: Mapping[str, str] | None = None) -> ReviewSettings:
    """Combine flags (given values) with the environment; UsageError when something is missing."""
    env = os.environ if environ is None else environ
    event_pr, event_sha = _from_event(_event(env))
    repo = repo or env.get("GITHUB_REPOSITORY") or None
    pr = pr if pr is not None else event_pr
    token = env.get("GITHUB_TOKEN", "")
    missing = [name for name, value in (("a token (GITHUB_TOKEN)", token),
                                        ("a repository (--repo or GITHUB_REPOSITORY)", repo),
                                        ("a pull request number (--pr or a pull_request event)",
                                         pr)) if not value]
    if missing:
        raise UsageError("review needs " + ", ".join(missing))
    assert repo is not None and pr is not None
    if not _REPO.match(repo):
        raise UsageError(f"--repo must look like owner/name, got {repo!r}")
    if pr < 1:
        raise UsageError(f"--pr must be a positive number, got {pr}")
    if fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    try:
        root = os.path.abspath(root or os.getcwd())
    except OSError:
        raise UsageError("the current directory is gone; give --root") from None
    if not os.path.isdir(root):
        raise UsageError(f"--root is not a directory: {root}")
    api = (api_url or env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not api.startswith(("https://", "http://")):
        raise UsageError(f"--api-url must be an http(s) URL, got {api!r}")
    return ReviewSettings(repo=repo, pr=pr, api_url=api, root=root, token=Secret(token),
                          head_sha=head_sha or event_sha, fail_on=fail_on,
                          trusted_logins=trusted_logins, dry_run=dry_run)
