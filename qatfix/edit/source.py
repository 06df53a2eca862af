"""A text about to be edited: BOM and newline style set aside, parsed once into a `Tree`."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable
from functools import cached_property
from typing import Any, Callable

from qatfix.edit import lexical, verify
from qatfix.edit.change import Change
from qatfix.edit.locate import Located
from qatfix.edit.splice import Splice
from qatfix.edit.tree import Mapping, Node, Sequence, Tree, parse

DEFAULT_INDENT = 2


@dataclass(frozen=True)
class Source:
    """A text about to be edited: BOM and newline style set aside, parsed once."""

    text: str
    bom: str
    body: str
    newline: str
    tree: Tree

    @classmethod
    def of(cls, text: str) -> Source:
        bom, body = lexical.split_bom(text)
        return cls(text, bom, body, lexical.newline_of(body), parse(body))

    def change(self, splices: Iterable[Splice], *, line: int = 0,
               located: Located | None = None) -> Change:
        """A `Change` for splices made against `body` (shifted past the BOM)."""
        shift = len(self.bom)
        kept = tuple(s.shifted(shift) for s in splices if s.text or s.start != s.end)
        anchors: tuple[str, ...] = ()
        shared: tuple[int, ...] = ()
        if located is not None and kept:
            aliases = located.shared_by()
            if aliases:
                anchors = tuple(dict.fromkeys(a.anchor for a in aliases))
                shared = tuple(sorted({a.line + 1 for a in aliases}))
        return Change(self.text, kept, line, anchors, shared)

    def data(self) -> Any:
        """Fresh data for the text, read as ppdet reads it (safe to mutate)."""
        return verify.load_data(self.body)

    def confirm(self, change: Change, path: tuple[Any, ...], mutate: Callable[[Any], None],
                data: Any = None) -> Change:
        """`change`, once its text reads back as this text's data with `mutate` applied."""
        expected = self.data() if data is None else data
        if expected is None:  # an empty document: the edit makes it a mapping
            expected = {}
        mutate(expected)
        verify.check(change.new_text[len(self.bom):], path, expected,
                     whole="<<" not in self.body)
        return change

    @cached_property
    def indent_unit(self) -> int:
        """How far this file indents a nested block mapping (2 when it never does)."""
        for parent, child in _nested_block_mappings(self.tree.root):
            step = child.pairs[0][0].column - parent.pairs[0][0].column
            if step > 0:
                return step
        return DEFAULT_INDENT

    def ends_open(self, pos: int) -> bool:
        """True when `pos` is the end of a text whose last line has no line break."""
        return pos == len(self.body) and bool(self.body) and not self.body.endswith("\n")


def _nested_block_mappings(node: Node | None) -> Iterable[tuple[Mapping, Mapping]]:
    if isinstance(node, Mapping):
        for _, value in node.pairs:
            if isinstance(value, Mapping) and not node.flow and not value.flow and value.pairs:
                yield node, value
            yield from _nested_block_mappings(value)
    elif isinstance(node, Sequence):
        for item in node.items:
            yield from _nested_block_mappings(item)
