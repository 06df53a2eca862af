"""Recognising what earlier runs already posted, so a re-run never repeats itself.

Every review the bot posts carries `REVIEW_MARKER` and the fingerprints of the findings it
reports (hidden HTML comments), and every inline comment carries its own finding's fingerprint.
A fingerprint hashes what identifies a finding regardless of where it currently sits: code,
file, message and proposed replacement, not the line number, so pushing unrelated lines above
a problem does not make it "new".

Policy: only findings whose fingerprint no earlier qatfix review or comment carries are posted;
when none is new, nothing is posted. A review notifies every subscriber of the pull request,
and the earlier suggestion threads are still on the page, so repeating them on each push would
bury the conversation without telling anyone anything.

Markers are only trusted from bot accounts (the token of a GitHub Actions run posts as
`github-actions[bot]`) or from logins named explicitly, so a participant cannot silence
findings by pasting a marker into a comment.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from qatfix.findings import Finding

REVIEW_MARKER = "<!-- qatfix-review -->"
_FINGERPRINTS = re.compile(r"<!-- qatfix:fingerprints? ([0-9a-f ]+) -->")


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fingerprint(finding: Finding, path: str) -> str:
    """A short stable id of `finding` located in repository file `path`."""
    parts = [finding.code, path, finding.message]
    if finding.fix is not None:
        parts += [_normalise(e.new_text) for e in finding.fix.edits]
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def fingerprint_marker(fingerprints: Iterable[str]) -> str:
    prints = list(fingerprints)
    if not prints:
        return ""
    noun = "fingerprint" if len(prints) == 1 else "fingerprints"
    return f"<!-- qatfix:{noun} {' '.join(prints)} -->"


def fingerprints_in(text: str) -> set[str]:
    """Fingerprints of the marker on the last line (earlier lines may quote config text)."""
    lines = text.rstrip().splitlines()
    match = _FINGERPRINTS.fullmatch(lines[-1].strip()) if lines else None
    return set(match.group(1).split()) if match else set()


def _trusted(item: Mapping[str, Any], logins: frozenset[str]) -> bool:
    user = item.get("user") or {}
    return user.get("type") == "Bot" or user.get("login") in logins


def already_posted(reviews: Iterable[Mapping[str, Any]], comments: Iterable[Mapping[str, Any]],
                   trusted_logins: Iterable[str] = ()) -> set[str]:
    """Fingerprints carried by earlier qatfix reviews and review comments on the pull request."""
    logins = frozenset(trusted_logins)
    posted: set[str] = set()
    for review in reviews:
        body = review.get("body") or ""
        if REVIEW_MARKER in body and _trusted(review, logins):
            posted |= fingerprints_in(body)
    for comment in comments:
        body = comment.get("body") or ""
        if _trusted(comment, logins):
            posted |= fingerprints_in(body)
    return posted
