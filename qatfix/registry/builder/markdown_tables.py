"""Rows of the GitHub-flavoured markdown tables in a model-zoo README, with their links.

The model zoos are tables whose cells link the weights (`[model](https://...pdparams)`) and the
config (`[config](./x.yml)`). Only tables count: commands in fenced code blocks mention weights too,
but they do not say which config a weight belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Iterator


_FENCE = re.compile(r"^\s*(```|~~~)")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_LINK = re.compile(r"\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass(frozen=True)
class Link:
    """A markdown link inside a cell."""

    text: str
    target: str


@dataclass(frozen=True)
class Cell:
    """One table cell: its column header, text and links."""

    header: str
    text: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class TableRow:
    """One body row of a table; `line` is 1-based in the README."""

    line: int
    cells: tuple[Cell, ...]

    @property
    def links(self) -> tuple[tuple[Cell, Link], ...]:
        return tuple((cell, link) for cell in self.cells for link in cell.links)


def split_cells(line: str) -> list[str]:
    """Split a table line on unescaped pipes, dropping the optional outer pipes."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def _is_delimiter(line: str) -> bool:
    if "-" not in line:
        return False
    cells = split_cells(line)
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


def links_in(text: str) -> tuple[Link, ...]:
    return tuple(Link(m["text"].strip(), m["target"].strip()) for m in _LINK.finditer(text))


def iter_table_rows(text: str) -> Iterator[TableRow]:
    """Every body row of every table in `text`, outside fenced code blocks."""
    lines = text.splitlines()
    in_fence = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
            index += 1
            continue
        if in_fence or "|" not in line or index + 1 >= len(lines) or not _is_delimiter(lines[index + 1]):
            index += 1
            continue
        headers = split_cells(line)
        index += 2
        while index < len(lines) and "|" in lines[index] and lines[index].strip():
            if _FENCE.match(lines[index]):
                break
            values = split_cells(lines[index])
            cells = tuple(
                Cell(headers[i] if i < len(headers) else "", value, links_in(value))
                for i, value in enumerate(values)
            )
            yield TableRow(index + 1, cells)
            index += 1
