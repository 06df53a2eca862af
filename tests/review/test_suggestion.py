"""Fixes to suggested changes: ranges, insertions, stale edits, line endings."""
from __future__ import annotations

from qatfix.findings import TextEdit
from qatfix.review.diff_lines import FileDiff, Hunk
from qatfix.review.suggestion import Suggestion, suggest

TEXT = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n"
ALL = FileDiff("f.yml", (Hunk(1, 5),))


def edit(start: int, end: int, old: str, new: str) -> TextEdit:
    return TextEdit("f.yml", start, end, old, new)


def test_one_line():
    s = suggest("f.yml", [edit(2, 2, "b: 2\n", "b: 20\n")], TEXT, ALL)
    assert s == Suggestion("f.yml", 2, 2, "b: 20")


def test_several_edits_become_one_range_with_the_lines_between():
    s = suggest("f.yml", [edit(4, 4, "d: 4\n", "d: 40\n"), edit(2, 2, "b: 2\n", "b: 20\n")],
                TEXT, ALL)
    assert s == Suggestion("f.yml", 2, 4, "b: 20\nc: 3\nd: 40")


def test_multi_line_replacement_and_deletion():
    assert suggest("f.yml", [edit(2, 3, "b: 2\nc: 3\n", "bc: [2, 3]\n")], TEXT, ALL) == \
        Suggestion("f.yml", 2, 3, "bc: [2, 3]")
    assert suggest("f.yml", [edit(3, 3, "c: 3\n", "")], TEXT, ALL) == Suggestion("f.yml", 3, 3, "")


def test_insertion_is_anchored_on_the_line_above_or_else_below():
    insert = edit(3, 2, "", "bb: 2.5\n")
    assert suggest("f.yml", [insert], TEXT, ALL) == Suggestion("f.yml", 2, 2, "b: 2\nbb: 2.5")
    only_line_3 = FileDiff("f.yml", (Hunk(3, 5),))
    assert suggest("f.yml", [insert], TEXT, only_line_3) == \
        Suggestion("f.yml", 3, 3, "bb: 2.5\nc: 3")
    at_top = edit(1, 0, "", "_BASE_: ['x.yml']\n")
    assert suggest("f.yml", [at_top], TEXT, ALL) == \
        Suggestion("f.yml", 1, 1, "_BASE_: ['x.yml']\na: 1")


def test_insertion_after_a_last_line_without_newline():
    text = "a: 1\nb: 2"
    assert suggest("f.yml", [edit(3, 2, "", "c: 3\n")], text, ALL) == \
        Suggestion("f.yml", 2, 2, "b: 2\nc: 3")


def test_outside_the_diff_or_across_hunks_is_not_suggested():
    two = FileDiff("f.yml", (Hunk(1, 2), Hunk(4, 5)))
    assert suggest("f.yml", [edit(3, 3, "c: 3\n", "c: 30\n")], TEXT, two) is None
    assert suggest("f.yml", [edit(2, 4, "b: 2\nc: 3\nd: 4\n", "x\n")], TEXT, two) is None


def test_stale_or_overlapping_edits_are_not_suggested():
    assert suggest("f.yml", [edit(2, 2, "b: 999\n", "b: 20\n")], TEXT, ALL) is None
    assert suggest("f.yml", [edit(2, 3, "b: 2\nc: 3\n", "x\n"), edit(3, 3, "c: 3\n", "y\n")],
                   TEXT, ALL) is None
    assert suggest("f.yml", [edit(9, 9, "", "x\n")], TEXT, ALL) is None


def test_crlf_files_and_edits_are_normalised():
    text = TEXT.replace("\n", "\r\n")
    s = suggest("f.yml", [edit(1, 2, "a: 1\r\nb: 2\r\n", "a: 10\r\nb: 20\r\n")], text, ALL)
    assert s == Suggestion("f.yml", 1, 2, "a: 10\nb: 20")
