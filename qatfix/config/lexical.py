"""Character-level facts about YAML text that the parser's events do not give.

Events say where a node starts and ends; splicing also needs where its line starts and ends, where
a comment begins, which newline the file uses, and where `&anchor`/`!tag` properties stop.
Offsets are character indexes into the text (BOM already split off, see `split_bom`).
"""
from __future__ import annotations

BOM = "\ufeff"
FLOW_INDICATORS = ",[]{}"


def split_bom(text: str) -> tuple[str, str]:
    """(BOM or "", the rest): parsers report positions after the BOM, so it is kept aside."""
    if text.startswith(BOM):
        return BOM, text[1:]
    return "", text


def newline_of(text: str) -> str:
    """The line break the text uses most ("\\r\\n" or "\\n"); "\\n" for a one-line text."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def line_start(text: str, pos: int) -> int:
    """Offset of the first character of the line holding `pos`."""
    return text.rfind("\n", 0, pos) + 1


def line_end(text: str, pos: int) -> int:
    """Offset of the line break ending the line holding `pos` (before a "\\r\\n"), or len(text)."""
    end = text.find("\n", pos)
    if end < 0:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def next_line_start(text: str, pos: int) -> int:
    """Offset just past the line break that ends the line holding `pos` (or len(text))."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end + 1


def only_space_before(text: str, pos: int) -> bool:
    """True when nothing but spaces or tabs precede `pos` on its line."""
    return text[line_start(text, pos):pos].strip(" \t") == ""


def indent_at(text: str, pos: int) -> int:
    """Column of the first non-blank character on the line holding `pos`."""
    start = line_start(text, pos)
    column = 0
    while start + column < len(text) and text[start + column] in " \t":
        column += 1
    return column


def is_comment_start(text: str, pos: int) -> bool:
    """A `#` starts a comment only at a line start or after white space."""
    return text.startswith("#", pos) and (pos == 0 or text[pos - 1] in " \t\r\n")


def skip_blank(text: str, pos: int, *, newlines: bool = True, comments: bool = True) -> int:
    """First offset at or after `pos` that is not white space (or a comment)."""
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t" or (newlines and ch in "\r\n"):
            pos += 1
        elif comments and is_comment_start(text, pos):
            if not newlines:
                return line_end(text, pos)
            pos = next_line_start(text, pos)
        else:
            break
    return pos


def rest_of_line_is_blank(text: str, pos: int) -> bool:
    """Only white space or a comment between `pos` and the end of its line."""
    return skip_blank(text, pos, newlines=False) >= line_end(text, pos)


def after_properties(text: str, pos: int, *, flow: bool) -> int:
    """Offset of a node's content: past `&anchor`/`!tag` properties and the blanks after them."""
    n = len(text)
    while pos < n and text[pos] in "&!":
        if text.startswith("!<", pos):
            close = text.find(">", pos)
            pos = n if close < 0 else close + 1
        else:
            while pos < n and text[pos] not in " \t\r\n" and not (
                    flow and text[pos] in FLOW_INDICATORS):
                pos += 1
        pos = skip_blank(text, pos)
    return pos


def lines_of(text: str) -> list[str]:
    """Lines split on "\\n" only, each keeping its line break ("\\r\\n" stays whole)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
