"""Character splices into a text, and their whole-line form (`TextEdit`).

A splice replaces `text[start:end]` by new text; every byte outside the splices stays as it was.
The whole-line form widens each splice to the lines it touches, which is what a unified diff
hunk or a GitHub suggestion shows.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable

from qatfix.edit import lexical
from qatfix.errors import EditError
from qatfix.findings import TextEdit


@dataclass(frozen=True)
class Splice:
    """Replace characters `start:end` of a text with `text` (an insertion when they are equal)."""

    start: int
    end: int
    text: str

    def shifted(self, offset: int) -> Splice:
        return Splice(self.start + offset, self.end + offset, self.text)


def ordered(splices: Iterable[Splice]) -> list[Splice]:
    """Splices sorted by position (stable for insertions at one point); overlaps are refused."""
    result = sorted(splices, key=lambda s: (s.start, s.end))
    for before, after in zip(result, result[1:]):
        if after.start < before.end:
            raise EditError(f"overlapping edits at characters {before.start} and {after.start}")
    return result


def apply_splices(text: str, splices: Iterable[Splice]) -> str:
    out: list[str] = []
    pos = 0
    for splice in ordered(splices):
        out.append(text[pos:splice.start])
        out.append(splice.text)
        pos = splice.end
    out.append(text[pos:])
    return "".join(out)


def _line_span(text: str, splice: Splice) -> tuple[int, int]:
    """The whole-line region [from, to) a splice needs; equal ends mean a pure line insertion."""
    start, end = splice.start, splice.end
    at_line_start = start == lexical.line_start(text, start)
    if start == end and at_line_start and (splice.text.endswith("\n") or not splice.text):
        return start, start
    first = lexical.line_start(text, start)
    if end > start and end == lexical.line_start(text, end):
        return first, end
    return first, lexical.next_line_start(text, end)


def _joins(g_lo: int, g_hi: int, lo: int, hi: int) -> bool:
    """A line region joins the previous group when they overlap, or both insert at one point."""
    return lo < g_hi or (lo == hi == g_lo == g_hi)


def _past_copies(text: str, at: int, lines: str, limit: int) -> int:
    """Inserting lines just before a copy of themselves is the same as inserting them after it;
    the later point is used so that "already applied" can be told apart from "not yet"."""
    while lines and text.startswith(lines, at) and at + len(lines) <= limit:
        at += len(lines)
    return at


def text_edits(path: str, text: str, splices: Iterable[Splice]) -> tuple[TextEdit, ...]:
    """Whole-line `TextEdit`s equivalent to `splices` (splices sharing a line become one edit)."""
    groups: list[tuple[int, int, list[Splice]]] = []
    for splice in ordered(s for s in splices if s.text or s.start != s.end):
        lo, hi = _line_span(text, splice)
        if groups and _joins(groups[-1][0], groups[-1][1], lo, hi):
            g_lo, g_hi, members = groups[-1]
            groups[-1] = (g_lo, max(g_hi, hi), [*members, splice])
        else:
            groups.append((lo, hi, [splice]))
    edits = []
    index = 0
    while index < len(groups):
        lo, hi, members = groups[index]
        new = apply_splices(text[lo:hi], (s.shifted(-lo) for s in members))
        if new and not new.endswith("\n") and hi < len(text):
            # the new text would end mid-line (a deleted line after a BOM): take the next line too
            hi = lexical.next_line_start(text, hi)
            while index + 1 < len(groups) and groups[index + 1][0] < hi:
                hi = max(hi, groups[index + 1][1])
                members = [*members, *groups[index + 1][2]]
                del groups[index + 1]
            groups[index] = (lo, hi, members)
            continue
        if lo == hi:
            lo = hi = _past_copies(text, lo, new, groups[index + 1][0] if index + 1 < len(groups)
                                   else len(text))
        old = text[lo:hi]
        first_line = text.count("\n", 0, lo) + 1
        last_line = first_line + len(lexical.lines_of(old)) - 1
        edits.append(TextEdit(path, first_line, last_line, old, new))
        index += 1
    return tuple(edits)
