"""Unified diffs as `git diff` prints them."""
from __future__ import annotations

from qatfix.edit.diff import unified_diff
from qatfix.edit.primitives import set_value


def test_diff_shows_only_the_changed_line_with_context() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(10))
    new = set_value(text, ("k5",), 50).new_text
    assert unified_diff("configs/x.yml", text, new) == (
        "--- a/configs/x.yml\n+++ b/configs/x.yml\n@@ -3,7 +3,7 @@\n"
        " k2: 2\n k3: 3\n k4: 4\n-k5: 5\n+k5: 50\n k6: 6\n k7: 7\n k8: 8\n")


def test_missing_final_newline_and_crlf() -> None:
    diff = unified_diff("x.yml", "a: 1\r\nb: 2", "a: 1\r\nb: 3")
    marker = "\\ No newline at end of file\n"
    assert diff.endswith(f"-b: 2\n{marker}+b: 3\n{marker}")
    assert "\r" not in diff


def test_equal_texts_have_no_diff_and_colour_is_optional() -> None:
    assert unified_diff("x.yml", "a: 1\n", "a: 1\n") == ""
    coloured = unified_diff("x.yml", "a: 1\n", "a: 2\n", color=True)
    assert "\x1b[31m-a: 1\x1b[0m" in coloured and "\x1b[32m+a: 2\x1b[0m" in coloured
