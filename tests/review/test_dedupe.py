"""Fingerprints and markers."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qatfix.findings import Location
from qatfix.review.dedupe import (REVIEW_MARKER, already_posted, fingerprint,
                                  fingerprint_marker, fingerprints_in)
from tests.review.conftest import SLIM, weights_finding
from tests.review.github_fake import BOT, HUMAN


def test_fingerprint_ignores_where_the_line_moved_but_not_what_it_says(repo: Path):
    finding = weights_finding(repo)
    moved = replace(finding, location=Location(finding.location.path, 12, 1))
    assert fingerprint(moved, SLIM) == fingerprint(finding, SLIM)
    assert fingerprint(finding, "other.yml") != fingerprint(finding, SLIM)
    assert fingerprint(replace(finding, code="QF102"), SLIM) != fingerprint(finding, SLIM)
    assert fingerprint(replace(finding, fix=None), SLIM) != fingerprint(finding, SLIM)


def test_only_the_last_line_carries_markers():
    quoted = fingerprint_marker(["aaaa"])
    body = f"```suggestion\n{quoted}\n```\n\n{fingerprint_marker(['bbbb', 'cccc'])}\n"
    assert fingerprints_in(body) == {"bbbb", "cccc"}
    assert fingerprints_in(f"{quoted}\ntext after") == set()
    assert fingerprints_in("") == set()


def test_already_posted_trusts_bots_and_named_logins():
    marker = fingerprint_marker(["1111"])
    reviews = [{"user": BOT, "body": f"{REVIEW_MARKER}\n{marker}"},
               {"user": BOT, "body": fingerprint_marker(["2222"])},  # not a qatfix review
               {"user": HUMAN, "body": f"{REVIEW_MARKER}\n{fingerprint_marker(['3333'])}"},
               {"user": None, "body": None}]
    comments = [{"user": BOT, "body": f"x\n{fingerprint_marker(['4444'])}"},
                {"user": HUMAN, "body": fingerprint_marker(["5555"])}]
    assert already_posted(reviews, comments) == {"1111", "4444"}
    assert already_posted(reviews, comments, ["octocat"]) == {"1111", "3333", "4444", "5555"}
