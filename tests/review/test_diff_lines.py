"""Commentable lines from GitHub `patch` text."""
from __future__ import annotations

from qatfix.review.diff_lines import FileDiff, Hunk, parse_patch
from tests.review.conftest import make_patch


def test_two_hunks_with_added_context_and_removed_lines():
    patch = ("@@ -1,4 +1,5 @@\n"
             " a\n"
             "-b\n"
             "+B\n"
             "+B2\n"
             " c\n"
             " d\n"
             "@@ -20,3 +21,2 @@ LearningRate:\n"
             " x\n"
             "-y\n"
             " z")
    diff = parse_patch("f.yml", patch)
    assert diff == FileDiff("f.yml", (Hunk(1, 5), Hunk(21, 22)))
    assert diff.covers(2, 3) and diff.covers(21, 22)
    assert not diff.covers(5, 21)  # a comment range may not span two hunks
    assert not diff.covers(6, 6) and not diff.covers(23, 23)
    assert diff.changed_lines() == frozenset({1, 2, 3, 4, 5, 21, 22})


def test_no_newline_marker_and_single_line_header():
    patch = "@@ -3 +3 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file"
    assert parse_patch("f.yml", patch).hunks == (Hunk(3, 3),)


def test_new_file_and_deleted_lines_only():
    assert parse_patch("n.yml", "@@ -0,0 +1,2 @@\n+a: 1\n+b: 2").hunks == (Hunk(1, 2),)
    assert parse_patch("d.yml", "@@ -4,2 +3,0 @@\n-a\n-b").hunks == ()


def test_missing_patch_has_no_commentable_lines():
    # GitHub leaves out `patch` for binary files and very large diffs
    assert parse_patch("big.yml", None) == FileDiff("big.yml", ())


def test_a_truncated_patch_never_yields_lines_it_does_not_show():
    assert parse_patch("f.yml", "@@ -1,10 +1,10 @@\n a\n-b\n+c").hunks == (Hunk(1, 2),)


def test_agrees_with_difflib_line_numbers():
    old = "".join(f"line {i}\n" for i in range(1, 41))
    new = old.replace("line 5\n", "line five\n").replace("line 30\n", "line 30\nadded\n")
    diff = parse_patch("f.yml", make_patch(old, new, context=2))
    assert diff.hunks == (Hunk(3, 7), Hunk(29, 33))
