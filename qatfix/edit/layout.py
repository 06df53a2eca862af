"""Where new entries go in a collection, and the text that fits there.

Block collections get whole new lines at the indentation of their entries, right after the line
where the last (or previous) entry ends, so comment lines that introduce the next entry stay with
it. Flow collections get a new entry after the last one, on its own line at the entries'
indentation when the collection already spans lines, keeping a trailing comma if there was one.
"""
from __future__ import annotations

from typing import Any

from qatfix.edit import lexical
from qatfix.edit.scalar import render, render_key
from qatfix.edit.source import Source
from qatfix.edit.splice import Splice
from qatfix.edit.tree import Mapping, Node, Scalar, Sequence, content_start
from qatfix.errors import EditError


class Nested(dict[Any, Any]):
    """A mapping created on the way to a new key: written in block style in a block parent."""


def nest(keys: tuple[Any, ...], value: Any) -> Any:
    """`("a", "b"), v` -> Nested(a=Nested(b=v)): the mappings created on the way to a new key."""
    for key in reversed(keys):
        value = Nested({key: value})
    return value


def block_entry(key_text: str, value: Any, indent: int, unit: int, newline: str) -> str:
    """`key: value` lines at `indent`; created mappings open on their own lines below the key."""
    pad = " " * indent
    if isinstance(value, Nested):
        lines = [f"{pad}{key_text}:{newline}"]
        for key, sub in value.items():
            lines.append(block_entry(render_key(key), sub, indent + unit, unit, newline))
        return "".join(lines)
    return f"{pad}{key_text}: {render(value)}{newline}"


def after_line_of(source: Source, node: Node) -> int:
    """Offset of the line following the one where `node` (and everything in it) ends."""
    return lexical.next_line_start(source.body, max(node.end - 1, 0))


def new_lines_at(source: Source, at: int, lines: str) -> Splice:
    """Insert whole lines at a line start; at the end of a text without a final line break,
    the break goes before the new lines so the text still ends without one."""
    if source.ends_open(at):
        return Splice(at, at, source.newline + lines[: -len(source.newline)])
    return Splice(at, at, lines)


def fill_empty(source: Source, empty: Scalar, text: str) -> Splice:
    """Give a value to an empty `key:` (or `-`), with one space after the indicator."""
    at = empty.end
    if source.body.startswith((" ", "\t"), at):
        tail = " " if source.body.startswith("#", at + 1) else ""
        return Splice(at + 1, at + 1, text + tail)
    return Splice(at, at, " " + text)


def block_mapping_insert(source: Source, mapping: Mapping, key: Any, value: Any) -> Splice:
    last_key, last_value = mapping.pairs[-1]
    like = last_key if isinstance(last_key, Scalar) else None
    indent = mapping.pairs[0][0].column
    text = block_entry(render_key(key, like), value, indent, source.indent_unit, source.newline)
    return new_lines_at(source, after_line_of(source, last_value), text)


def block_under_empty(source: Source, owner_column: int, empty: Scalar, key: Any,
                      value: Any) -> Splice:
    """Keys for a `key:` that has no value yet, on the lines below it."""
    indent = owner_column + source.indent_unit
    text = block_entry(render_key(key), value, indent, source.indent_unit, source.newline)
    return new_lines_at(source, lexical.next_line_start(source.body, empty.end), text)


def flow_append(source: Source, collection: Mapping | Sequence, entry: str) -> list[Splice]:
    """Splices adding `entry` after the last entry of a flow collection."""
    body = source.body
    close = collection.end - 1
    if not collection.flow or body[close] not in "]}":
        raise EditError("not a flow collection", line=collection.line + 1)
    if isinstance(collection, Mapping):
        if not collection.pairs:
            return [Splice(close, close, entry)]
        first, last_end = collection.pairs[-1][0].start, collection.pairs[-1][1].end
    else:
        if not collection.items:
            return [Splice(close, close, entry)]
        first, last_end = collection.items[-1].start, collection.items[-1].end
    nl = source.newline
    after = lexical.skip_blank(body, last_end)
    opening_line = lexical.line_start(body, content_start(body, collection))
    own_line = lexical.line_start(body, first) != opening_line
    indent = " " * lexical.indent_at(body, first)
    if body.startswith(",", after):  # a trailing comma stays trailing
        if not own_line or _same_line(body, after, close):
            return [Splice(after + 1, after + 1, f" {entry},")]
        at = lexical.next_line_start(body, after)
        return [Splice(at, at, f"{indent}{entry},{nl}")]
    if not own_line:
        return [Splice(last_end, last_end, f", {entry}")]
    if _same_line(body, last_end, close):
        return [Splice(last_end, last_end, f",{nl}{indent}{entry}")]
    at = lexical.next_line_start(body, last_end)
    return [Splice(last_end, last_end, ","), Splice(at, at, f"{indent}{entry}{nl}")]


def flow_insert_before(source: Source, item: Node, entry: str) -> Splice:
    """Splice putting `entry` in front of an existing flow entry (its own line if it has one)."""
    body = source.body
    if lexical.only_space_before(body, item.start):
        at = lexical.line_start(body, item.start)
        indent = " " * lexical.indent_at(body, item.start)
        return Splice(at, at, f"{indent}{entry},{source.newline}")
    return Splice(item.start, item.start, f"{entry}, ")


def block_dash(source: Source, item: Node) -> int:
    """Offset of the `-` that introduces a block sequence entry (it must open its line)."""
    body = source.body
    pos = item.start - 1
    while pos >= 0 and body[pos] in " \t":
        pos -= 1
    if pos < 0 or body[pos] != "-" or not lexical.only_space_before(body, pos):
        raise EditError("this list entry does not start its own line; cannot insert next to it",
                        line=item.line + 1)
    return pos


def block_item_text(source: Source, dash: int, value: Any, like: Node | None) -> str:
    column = dash - lexical.line_start(source.body, dash)
    scalar = like if isinstance(like, Scalar) else None
    return f"{' ' * column}- {render(value, scalar)}{source.newline}"


def _same_line(body: str, a: int, b: int) -> bool:
    return body.count("\n", min(a, b), max(a, b)) == 0
