"""Replace the value at an existing key path, touching only the characters of that value.

A scalar keeps its properties (`&anchor`, `!tag`) and, when the new value allows it, its quoting.
A collection given a value of the same shape is edited entry by entry, so `[0.485,0.456,0.406]`
keeps its spacing when one number changes; a flow collection of another shape is rewritten in
place; a block collection of another shape is refused (set its entries one by one).
"""
from __future__ import annotations

import datetime
from typing import Any

from qatfix.config import Tagged
from qatfix.edit import layout, lexical, verify
from qatfix.edit.change import Change
from qatfix.edit.keypath import format_path
from qatfix.edit.locate import Path, alias_paths, find_pairs, key_value, locate
from qatfix.edit.scalar import render, same_value
from qatfix.edit.source import Source
from qatfix.edit.splice import Splice
from qatfix.edit.tree import Alias, Mapping, Node, Scalar, Sequence, content_start, is_merge_key
from qatfix.errors import EditError
from qatfix.config.loader import CORE_TAG as _CORE

_CORE_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "int": (int,), "float": (float,), "bool": (bool,), "null": (type(None),),
    "map": (dict,), "seq": (list, tuple), "timestamp": (datetime.date,),
}


def replace_value(text: str, path: Path, value: Any) -> Change:
    """Give the existing key at `path` the value `value` (error if the key is not in the text)."""
    return replace_in(Source.of(text), path, value)


def replace_in(source: Source, path: Path, value: Any) -> Change:
    located = locate(source.tree, path)
    if not located.found or located.node is None or not path:
        raise EditError(f"{format_path(path) or 'the document'} is not set in this file")
    data = source.data()
    current = verify.get(data, path)
    node = located.node
    step = located.steps[-1]
    line = (step.key_node or node).line + 1
    if same_value(current, value):
        return source.change((), line=line)
    splices = node_splices(source, node, current, value, path)
    change = source.change(splices, line=line, located=located)
    readers = (path, *alias_paths(source.tree, node))
    return source.confirm(change, path, lambda d: _set_all(d, readers, value), data)


def _set_all(data: Any, paths: tuple[Path, ...], value: Any) -> None:
    """Set `value` at the edited path and at every alias of it that the data still has."""
    for index, path in enumerate(paths):
        if index == 0 or verify.get(data, path) is not verify.MISSING:
            verify.set_in(data, path, value)


def node_splices(source: Source, node: Node, current: Any, value: Any,
                 path: Path) -> list[Splice]:
    """Splices turning `node` (currently reading as `current`) into `value`."""
    if same_value(current, value):
        return []
    if isinstance(node, Alias):
        raise EditError(f"{format_path(path)} is an alias (*{node.anchor}); edit the anchor",
                        line=node.line + 1)
    if isinstance(current, Tagged) and isinstance(value, Tagged) and current.tag == value.tag:
        return _content_splices(source, node, current.value, value.value, path, keep_tag=True)
    return _content_splices(source, node, current, value, path,
                            keep_tag=_keeps_tag(node, value))


def _content_splices(source: Source, node: Node, current: Any, value: Any, path: Path, *,
                     keep_tag: bool) -> list[Splice]:
    if keep_tag and isinstance(node, Mapping) and isinstance(value, dict) \
            and isinstance(current, dict):
        splices = _same_shape_mapping(source, node, current, value, path)
        if splices is not None:
            return splices
    if keep_tag and isinstance(node, Sequence) and isinstance(value, (list, tuple)) \
            and isinstance(current, list) and len(value) == len(current):
        return [s for item, old, new in zip(node.items, current, value)
                for s in node_splices(source, item, old, new, path)]
    if isinstance(node, (Mapping, Sequence)) and not node.flow:
        kind = "mapping" if isinstance(node, Mapping) else "list"
        raise EditError(f"{format_path(path)} is a block {kind}; set its entries one by one "
                        f"(e.g. {format_path((*path, 0 if kind == 'list' else 'key'))})",
                        line=node.line + 1)
    return [_whole_value(source, node, value, keep_tag=keep_tag)]


def _same_shape_mapping(source: Source, node: Mapping, current: dict[Any, Any],
                        value: dict[Any, Any], path: Path) -> list[Splice] | None:
    """Entry-by-entry splices when `value` has exactly the keys already written (else None)."""
    if any(is_merge_key(k) for k, _ in node.pairs) or len(current) != len(value):
        return None
    splices: list[Splice] = []
    for key, new in value.items():
        pairs = find_pairs(node, key)
        if not pairs or len(pairs) != 1:
            return None
        actual = key_value(pairs[0][0])
        if actual not in current:
            return None
        splices += node_splices(source, pairs[0][1], current[actual], new, (*path, key))
    return splices


def _keeps_tag(node: Node, value: Any) -> bool:
    """Whether the node's tag still fits the new (untagged or differently tagged) value."""
    tag = node.tag
    if tag is None:
        return not isinstance(value, Tagged)
    if tag == "!":
        return isinstance(value, str)
    if tag.startswith(_CORE):
        kinds = _CORE_TYPES.get(tag[len(_CORE):], ())
        return isinstance(value, kinds) and not (isinstance(value, bool) and tag.endswith(":int"))
    return False


def _whole_value(source: Source, node: Node, value: Any, *, keep_tag: bool) -> Splice:
    """Rewrite the node's content; its anchor always stays, its tag when `keep_tag`."""
    body = source.body
    like = node if isinstance(node, Scalar) and keep_tag else None
    if isinstance(node, Alias):  # pragma: no cover - refused by callers
        raise EditError("cannot edit through an alias")
    if keep_tag:
        start, prefix = content_start(body, node), ""
        if isinstance(node, Scalar) and node.tag and node.tag != "!" and not isinstance(value, str):
            like = None
    else:
        start, prefix = node.start, (f"&{node.anchor} " if node.anchor else "")
    text = prefix + render(value, like, flow=isinstance(node, Scalar) and node.flow)
    if isinstance(node, Scalar) and node.style == "" and node.value == "" and start >= node.end:
        return layout.fill_empty(source, node, text)  # an empty value: `key:` -> `key: 8`
    end = node.end
    if isinstance(node, Scalar) and node.style in ("|", ">"):
        last = start + len(body[start:node.end].rstrip())
        end = lexical.line_end(body, max(last - 1, start))
    return Splice(start, end, text)
