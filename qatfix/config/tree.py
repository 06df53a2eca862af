"""The positioned node tree one YAML file parses into, shared by the loader and the editor.

Every node knows where it is: `start` and `end` are character offsets into the document's text
(the BOM split off), `end` just past the node; `line` and `column` are 1-based, as reported to
users. Nothing is resolved: duplicate keys, tags and aliases stay as written. A scalar keeps its
text as written (quotes and escapes resolved) and its `value` typed as PyYAML types it. Two things
parser events do not pin down are normalised by the loader: where an empty value sits (right after
its `:` or `-`; the C and the pure-Python parser disagree) and where a block collection ends (at
the end of its last entry; its end event points at the next token, past blank lines and
comments). Nodes are built by `qatfix.config.loader` and never changed after.
"""
from __future__ import annotations

from typing import Any, ClassVar, Union

# Plain classes with slots rather than dataclasses: every config of a folder scan is parsed into
# them, and a dataclass decorator costs a default check more than the classes save (see
# benchmarks/bench_check.py). They compare by identity; `shape` gives their structure. `kind`
# names the class for the loader's loops, which run for every value of every file.


class ScalarNode:
    """A scalar; `start` includes its properties (`&anchor`, `!tag`). `text` is as written
    (quotes and escapes resolved), `style` "" for plain, "'", '"', "|" or ">", `flow` whether it
    is written inside a flow collection, `value` its value typed as PyYAML types it."""

    kind: ClassVar[str] = "scalar"
    __slots__ = ("start", "end", "line", "column", "tag", "anchor", "text", "style", "flow",
                 "value")

    def __init__(self, start: int, end: int, line: int, column: int, tag: str | None,
                 anchor: str | None, text: str, style: str, flow: bool, value: Any = None) -> None:
        self.start, self.end, self.line, self.column = start, end, line, column
        self.tag, self.anchor = tag, anchor
        self.text, self.style, self.flow, self.value = text, style, flow, value

    @property
    def is_empty(self) -> bool:
        return self.style == "" and self.text == "" and self.tag is None and self.anchor is None


class AliasNode:
    """An alias (`*name`); `target` is the node its anchor names."""

    kind: ClassVar[str] = "alias"
    __slots__ = ("start", "end", "line", "column", "anchor", "target")
    tag: None = None

    def __init__(self, start: int, end: int, line: int, column: int, anchor: str,
                 target: Node) -> None:
        self.start, self.end, self.line, self.column = start, end, line, column
        self.anchor, self.target = anchor, target


class MapNode:
    """`end` is past the closing brace (flow) or past the last character of the last value."""

    kind: ClassVar[str] = "map"
    __slots__ = ("start", "end", "line", "column", "tag", "anchor", "flow", "pairs")

    def __init__(self, start: int, end: int, line: int, column: int, tag: str | None,
                 anchor: str | None, flow: bool, pairs: tuple[tuple[Node, Node], ...]) -> None:
        self.start, self.end, self.line, self.column = start, end, line, column
        self.tag, self.anchor, self.flow, self.pairs = tag, anchor, flow, pairs


class SeqNode:
    """A list; `end` is past `]` (flow) or past the last character of the last item."""

    kind: ClassVar[str] = "seq"
    __slots__ = ("start", "end", "line", "column", "tag", "anchor", "flow", "items")

    def __init__(self, start: int, end: int, line: int, column: int, tag: str | None,
                 anchor: str | None, flow: bool, items: tuple[Node, ...]) -> None:
        self.start, self.end, self.line, self.column = start, end, line, column
        self.tag, self.anchor, self.flow, self.items = tag, anchor, flow, items


Node = Union[ScalarNode, AliasNode, MapNode, SeqNode]


def shape(node: Node | None) -> Any:
    """The node's structure and positions as plain tuples (aliases by their anchor name), to
    compare two parses."""
    if node is None:
        return None
    where = (node.start, node.end, node.line, node.column)
    if isinstance(node, AliasNode):
        return ("alias", *where, node.anchor)
    if isinstance(node, ScalarNode):
        return ("scalar", *where, node.tag, node.anchor, node.text, node.style, node.flow)
    if isinstance(node, MapNode):
        return ("map", *where, node.tag, node.anchor, node.flow,
                tuple((shape(k), shape(v)) for k, v in node.pairs))
    return ("seq", *where, node.tag, node.anchor, node.flow, tuple(shape(i) for i in node.items))


def is_merge_key(node: Node) -> bool:
    """A `<<` merge key (plain and untagged, as PyYAML reads one)."""
    return (isinstance(node, ScalarNode) and node.style == "" and node.tag is None
            and node.text == "<<")
