"""Unified diffs of edited texts, as `git diff` shows them (optionally coloured)."""
from __future__ import annotations

import difflib

from qatfix.config import lexical

_NO_NEWLINE = "\\ No newline at end of file"
_COLORS = {"-": "31", "+": "32", "@": "36"}


def _display(lines: list[str]) -> list[str]:
    """Lines without their breaks; a last line without one gets git's marker after it."""
    shown: list[str] = []
    for line in lines:
        shown.append(line.rstrip("\n").removesuffix("\r") if line.endswith("\n") else line)
    return shown


def unified_diff(path: str, old: str, new: str, *, color: bool = False, context: int = 3) -> str:
    """The diff from `old` to `new` with a/ b/ headers; empty when they are equal."""
    if old == new:
        return ""
    old_lines, new_lines = lexical.lines_of(old), lexical.lines_of(new)
    old_shown, new_shown = _display(old_lines), _display(new_lines)
    # a changed line break at the end must show as a change
    if old_lines and not old.endswith("\n"):
        old_shown[-1] += "\0"
    if new_lines and not new.endswith("\n"):
        new_shown[-1] += "\0"
    out: list[str] = []
    for line in difflib.unified_diff(old_shown, new_shown, f"a/{path}", f"b/{path}",
                                     n=context, lineterm=""):
        marker = line.endswith("\0")
        line = line.rstrip("\0")
        out.append(_paint(line, color))
        if marker:
            out.append(_NO_NEWLINE)
    return "\n".join(out) + "\n"


def _paint(line: str, color: bool) -> str:
    if not color:
        return line
    if line.startswith(("---", "+++")):
        return f"\x1b[1m{line}\x1b[0m"
    code = _COLORS.get(line[:1])
    return f"\x1b[{code}m{line}\x1b[0m" if code else line
