"""Review payload details: multi-line comments, escaping, limits."""
from __future__ import annotations

from pathlib import Path

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.review.dedupe import fingerprints_in
from qatfix.review.diff_lines import FileDiff, Hunk
from qatfix.review.items import build_items
from qatfix.review.payload import MAX_BODY_ENTRIES, MAX_COMMENTS, build_review
from qatfix.config.repo_paths import read_text
from tests.review.conftest import SLIM, weights_finding

DIFFS = {SLIM: FileDiff(SLIM, (Hunk(1, 8),))}


def items_for(repo: Path, findings: list[Finding], diffs=DIFFS):  # type: ignore[no-untyped-def]
    return build_items(findings, str(repo), diffs, lambda rel: read_text(str(repo), rel))


def test_multi_line_suggestion_uses_start_line(repo: Path):
    path = str(repo / SLIM)
    finding = Finding("QF401", "warning", "print_model should be off and epoch shorter",
                      Location(path, 6, 3),
                      fix=Fix("tidy QAT", "safe", (
                          TextEdit(path, 6, 6, "  print_model: False\n", "  print_model: false\n"),
                          TextEdit(path, 8, 8, "epoch: 50\n", "epoch: 30\n"))))
    review = build_review(items_for(repo, [finding]), "f" * 40)
    (comment,) = review["comments"]
    assert {k: v for k, v in comment.items() if k != "body"} == {
        "path": SLIM, "start_line": 6, "start_side": "RIGHT", "line": 8, "side": "RIGHT"}
    assert "```suggestion\n  print_model: false\n\nepoch: 30\n```" in comment["body"]


def test_unsafe_and_fixless_findings_stay_in_the_body(repo: Path):
    unsafe = weights_finding(repo)
    unsafe = Finding(unsafe.code, "warning", unsafe.message, unsafe.location,
                     fix=Fix(unsafe.fix.title, "unsafe", unsafe.fix.edits))
    plain = Finding("QF201", "info", "dead override", Location(str(repo / SLIM), 8, 1))
    review = build_review(items_for(repo, [unsafe, plain]), "f" * 40)
    assert "comments" not in review
    assert "Fix, review before applying: use picodet_s_320_coco_lcnet.pdparams" in review["body"]
    assert f"- `{SLIM}:8` **QF201** (info): dead override" in review["body"]


def test_messages_cannot_inject_markup_mentions_or_markers(repo: Path):
    evil = ("weights <img src=x> for @everyone "
            "<!-- qatfix:fingerprint 0000 -->\n<!-- qatfix-review -->")
    finding = Finding("QF101", "error", evil, Location(str(repo / SLIM), 8, 1))
    body = build_review(items_for(repo, [finding]), "f" * 40)["body"]
    assert "<img" not in body and "@everyone" not in body
    assert body.count("<!--") == 2  # our own review marker and fingerprint marker
    assert "0000" not in body.splitlines()[-1]


def test_same_finding_from_two_configs_is_reported_once(repo: Path):
    finding = weights_finding(repo)
    items = items_for(repo, [finding, finding])
    assert len(items) == 1


def test_long_reviews_are_capped(repo: Path):
    path = str(repo / SLIM)
    findings = [Finding("QF201", "info", f"note {i}", Location(path, 8, 1))
                for i in range(MAX_BODY_ENTRIES + 5)]
    review = build_review(items_for(repo, findings), "f" * 40)
    assert review["body"].count("\n- `") == MAX_BODY_ENTRIES
    assert "5 more findings will follow in the next review" in review["body"]
    # only what is shown is marked as posted; the rest is still "new" for the next run
    assert len(fingerprints_in(review["body"])) == MAX_BODY_ENTRIES


def test_comments_are_capped(repo: Path):
    path = str(repo / SLIM)
    text = (repo / SLIM).read_text().splitlines(keepends=True)[7]
    findings = [Finding("QF301", "warning", f"epoch {i}", Location(path, 8, 1),
                        fix=Fix(f"epoch {i}", "safe", (TextEdit(path, 8, 8, text, f"epoch: {i}\n"),)))
                for i in range(MAX_COMMENTS + 3)]
    review = build_review(items_for(repo, findings), "f" * 40)
    assert len(review["comments"]) == MAX_COMMENTS
    assert review["body"].count("\n- `") == 3  # the rest are listed in the body


def test_related_locations_are_shown_relative_to_the_repository(repo: Path):
    from tests.review.conftest import MODEL

    finding = Finding("QF201", "warning", "epoch is overridden", Location(str(repo / SLIM), 8, 1),
                      related=(Location(str(repo / MODEL), 7, 1),))
    body = build_review(items_for(repo, [finding]), "f" * 40)["body"]
    assert f"  See also: `{MODEL}:7`" in body
