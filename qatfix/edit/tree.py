"""Parse YAML into a tree of nodes that know their exact character span in the text.

ruamel.yaml's event parser gives every event a start and end mark; its C parser
(`_ruamel_yaml.CParser`, from ruamel.yaml.clib) is used when present, the pure-Python one
otherwise. Both count `mark.index` in characters (not bytes) once the BOM is split off.
Two things events do not pin down are normalised here: where an empty value sits (the parsers
disagree) and where a block collection ends (its end event points at the next token, past blank
lines and comments). Nothing is resolved or constructed: duplicate keys, tags and aliases stay
visible exactly as written.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, Union

from qatfix.config.events import document_root, events, pure_events, syntax_error
from qatfix.edit import lexical
from qatfix.errors import EditError
from qatfix.config.loader import MAX_DEPTH
from ruamel.yaml.error import YAMLError



@dataclass(frozen=True)
class ScalarNode:
    """A scalar; `start` includes its properties, `end` is just past its last character."""

    start: int
    end: int
    line: int  # 0-based, as parser marks are
    column: int
    tag: str | None
    anchor: str | None
    value: str
    style: str  # "" plain, "'", '"', "|", ">"
    flow: bool  # written inside a flow collection

    @property
    def is_empty(self) -> bool:
        return self.style == "" and self.value == "" and self.tag is None and self.anchor is None


@dataclass(frozen=True)
class AliasNode:
    """An alias (`*name`); `target` is the node its anchor names."""

    start: int
    end: int
    line: int
    column: int
    anchor: str
    target: Node = field(repr=False, compare=False)
    tag: None = None


@dataclass(frozen=True)
class MapNode:
    """`end` is past the closing brace (flow) or past the last character of the last value."""

    start: int
    end: int
    line: int
    column: int
    tag: str | None
    anchor: str | None
    flow: bool
    pairs: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True)
class SeqNode:
    """A list; `end` is past `]` (flow) or past the last character of the last item."""

    start: int
    end: int
    line: int
    column: int
    tag: str | None
    anchor: str | None
    flow: bool
    items: tuple[Node, ...]


Node = Union[ScalarNode, AliasNode, MapNode, SeqNode]


@dataclass(frozen=True)
class Tree:
    """One parsed document. `body` is the text without BOM; offsets index into it."""

    body: str
    root: Node | None
    aliases: tuple[AliasNode, ...] = ()


def parse(body: str, *, pure: bool = False) -> Tree:
    """Build the `Tree` of `body` (text without BOM). Syntax errors raise `EditError`."""

    builder = _Builder(body)
    try:
        root = builder.document(pure_events(body) if pure else events(body))
    except YAMLError as exc:
        message, line, column = syntax_error(exc)
        raise EditError(message, line=line, column=column) from None
    except RecursionError:
        raise EditError(f"nesting deeper than {MAX_DEPTH} levels") from None
    return Tree(body, root, tuple(builder.aliases))


class _Builder:
    def __init__(self, body: str) -> None:
        self.body = body
        self.anchors: dict[str, Node] = {}
        self.aliases: list[AliasNode] = []

    def document(self, stream: Iterator[Any]) -> Node | None:
        def second(line: int) -> NoReturn:
            raise EditError("more than one YAML document; only single documents are edited",
                            line=line)

        return document_root(stream, lambda event, rest: self.node(event, rest, flow=False, depth=0),
                             second)

    def node(self, event: Any, stream: Iterator[Any], *, flow: bool, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise RecursionError
        name = type(event).__name__
        mark = event.start_mark
        node: Node
        if name == "AliasEvent":
            target = self.anchors.get(event.anchor)
            if target is None:
                raise EditError(f"alias *{event.anchor} names no anchor", line=mark.line + 1,
                                column=mark.column + 1)
            node = AliasNode(mark.index, event.end_mark.index, mark.line, mark.column, event.anchor,
                         target)
            self.aliases.append(node)
            return node
        if name == "ScalarEvent":
            node = ScalarNode(mark.index, event.end_mark.index, mark.line, mark.column, event.tag,
                          event.anchor, event.value, event.style or "", flow)
        elif name == "MappingStartEvent":
            node = self.mapping(event, stream, depth)
        elif name == "SequenceStartEvent":
            node = self.sequence(event, stream, depth)
        else:
            raise EditError(f"unexpected YAML event {name}", line=mark.line + 1)
        if event.anchor:
            self.anchors[event.anchor] = node
        return node

    def mapping(self, event: Any, stream: Iterator[Any], depth: int) -> MapNode:
        flow = bool(event.flow_style)
        pairs: list[tuple[Node, Node]] = []
        for key_event in stream:
            if type(key_event).__name__ == "MappingEndEvent":
                end = key_event.end_mark.index
                break
            key = self.node(key_event, stream, flow=flow, depth=depth + 1)
            value = self.node(next(stream), stream, flow=flow, depth=depth + 1)
            if isinstance(value, ScalarNode) and value.is_empty:
                value = self._empty_after(value, self._after_colon(key.end))
            pairs.append((key, value))
        if not flow:
            end = pairs[-1][1].end if pairs else event.start_mark.index
        mark = event.start_mark
        return MapNode(mark.index, end, mark.line, mark.column, event.tag, event.anchor, flow,
                       tuple(pairs))

    def sequence(self, event: Any, stream: Iterator[Any], depth: int) -> SeqNode:
        flow = bool(event.flow_style)
        items: list[Node] = []
        scan_from = event.start_mark.index
        for item_event in stream:
            if type(item_event).__name__ == "SequenceEndEvent":
                end = item_event.end_mark.index
                break
            item = self.node(item_event, stream, flow=flow, depth=depth + 1)
            if isinstance(item, ScalarNode) and item.is_empty and not flow:
                item = self._empty_after(item, self._after_dash(scan_from))
            items.append(item)
            scan_from = item.end
        if not flow:
            end = items[-1].end if items else event.start_mark.index
        mark = event.start_mark
        return SeqNode(mark.index, end, mark.line, mark.column, event.tag, event.anchor, flow,
                        tuple(items))

    def _empty_after(self, node: ScalarNode, pos: int) -> ScalarNode:
        """An empty value sits right after its `:` or `-` (the parsers disagree on where)."""
        start = lexical.line_start(self.body, pos)
        line = self.body.count("\n", 0, start)
        return ScalarNode(pos, pos, line, pos - start, None, None, "", "", node.flow)

    def _after_colon(self, key_end: int) -> int:
        pos = lexical.skip_blank(self.body, key_end)
        return pos + 1 if self.body.startswith(":", pos) else key_end

    def _after_dash(self, scan_from: int) -> int:
        pos = lexical.skip_blank(self.body, scan_from)
        return pos + 1 if self.body.startswith("-", pos) else scan_from


def content_start(body: str, node: Node) -> int:
    """Where a node's own text begins, past `&anchor`/`!tag` properties."""
    if isinstance(node, AliasNode):
        return node.start
    flow = node.flow if isinstance(node, ScalarNode) else False
    return lexical.after_properties(body, node.start, flow=flow)


def is_merge_key(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.style == "" and node.tag is None and node.value == "<<"
