"""Turning a fix into a GitHub "suggested change" on the lines it replaces.

A suggestion replaces one contiguous range of new-file lines inside one diff hunk. A fix
qualifies when it is safe, edits a single file, its edits still match the checked-out text and
the range it covers lies in a hunk. Pure insertions are anchored on a neighbouring line, which
the suggestion repeats, because GitHub has no "insert here" comment.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

from qatfix.findings import TextEdit
from qatfix.review.diff_lines import FileDiff


@dataclass(frozen=True)
class Suggestion:
    """Replace new-file lines `start_line..end_line` of `path` with `replacement`."""

    path: str
    start_line: int
    end_line: int
    #: the replacement lines, "\n"-separated, without a final line ending
    replacement: str


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _join(parts: Sequence[str]) -> str:
    out = ""
    for part in parts:
        if part and out and not out.endswith("\n"):
            out += "\n"
        out += part
    return out


def _matches(lines: list[str], edit: TextEdit) -> bool:
    if edit.start_line < 1 or edit.end_line < edit.start_line - 1 or edit.end_line > len(lines):
        return False
    current = "".join(lines[edit.start_line - 1:edit.end_line])
    return normalise_newlines(current) == normalise_newlines(edit.old_text)


def _span(edits: Sequence[TextEdit], line_count: int, diff: FileDiff) -> tuple[int, int] | None:
    start = min(e.start_line for e in edits)
    end = max(e.end_line for e in edits)
    if end >= start:
        return (start, end) if diff.covers(start, end) else None
    # insertions only, all before line `start`: anchor on the line above, else the line below
    for anchor in (start - 1, start):
        if 1 <= anchor <= line_count and diff.covers(anchor, anchor):
            return anchor, anchor
    return None


def suggest(path: str, edits: Sequence[TextEdit], text: str, diff: FileDiff) -> Suggestion | None:
    """The suggestion applying `edits` (all on file `path`, whose text is `text`), or None."""
    if not edits:
        return None
    lines = text.splitlines(keepends=True)
    ordered = sorted(edits, key=lambda e: (e.start_line, e.end_line))
    for before, after in zip(ordered, ordered[1:]):
        if after.start_line <= before.end_line or after.start_line == before.start_line:
            return None  # overlapping or ambiguous edits
    if not all(_matches(lines, e) for e in ordered):
        return None  # the file changed since the finding was made
    span = _span(ordered, len(lines), diff)
    if span is None:
        return None
    start, end = span
    parts: list[str] = []
    cursor = start
    for edit in ordered:
        parts.extend(lines[cursor - 1:edit.start_line - 1])
        parts.append(edit.new_text)
        cursor = max(cursor, edit.end_line + 1)
    parts.extend(lines[cursor - 1:end])
    replacement = normalise_newlines(_join(parts))
    if replacement.endswith("\n"):
        replacement = replacement[:-1]
    return Suggestion(path, start, end, replacement)
