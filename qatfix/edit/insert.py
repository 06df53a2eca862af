"""Add what the text lacks: a mapping key (creating mappings on the way) or a list entry."""
from __future__ import annotations

from typing import Any

from qatfix.edit import layout, lexical, verify
from qatfix.edit.change import Change
from qatfix.edit.keypath import format_path
from qatfix.edit.locate import Located, Path, has_merge, locate
from qatfix.edit.scalar import render, render_key
from qatfix.edit.source import Source
from qatfix.edit.splice import Splice
from qatfix.edit.tree import Mapping, Scalar, Sequence
from qatfix.errors import EditError


def insert_key(text: str, path: Path, value: Any) -> Change:
    """Add the key `path[-1]` (and any missing mappings above it) with `value`."""
    return insert_key_in(Source.of(text), path, value)


def insert_key_in(source: Source, path: Path, value: Any) -> Change:
    located = locate(source.tree, path)
    if located.found:
        raise EditError(f"{format_path(path)} is already set (line {_line_of(located)}); "
                        "replace it instead")
    missing = located.missing
    parent_path = path[: len(path) - len(missing)]
    parent = located.node
    if isinstance(parent, Sequence):
        if isinstance(missing[0], int) and len(missing) == 1:
            return insert_item_in(source, parent_path, missing[0], value)
        raise EditError(f"{format_path((*parent_path, missing[0]))}: no such list entry")
    # new keys are strings, as ppdet's `-o a.1=x` makes them
    missing = tuple(str(k) if isinstance(k, int) else k for k in missing)
    path = (*parent_path, *missing)
    key, nested = missing[0], layout.nest(missing[1:], value)
    if isinstance(parent, Mapping):
        if has_merge(parent) and len(missing) > 1:
            raise EditError(f"{format_path(parent_path) or 'the document'} merges keys with <<; "
                            f"set {format_path((*parent_path, key))} as a whole instead")
        splices = _into_mapping(source, parent, key, nested)
    elif parent is None or (isinstance(parent, Scalar) and parent.is_empty and not located.steps):
        entry = layout.block_entry(render_key(key), nested, 0, source.indent_unit, source.newline)
        splices = [layout.new_lines_at(source, len(source.body), entry)]
    elif isinstance(parent, Scalar) and parent.is_empty:
        splices = [_under_empty(source, located, parent, key, nested)]
    else:  # pragma: no cover - locate() refuses every other kind of parent
        raise EditError(f"cannot add keys under {format_path(parent_path)}")
    change = source.change(splices, line=_first_new_line(source, splices), located=located)
    return source.confirm(change, path, lambda data: verify.set_in(data, path, value))


def insert_item(text: str, seq_path: Path, index: int, value: Any) -> Change:
    """Insert `value` into the list at `seq_path` so that it becomes entry `index`."""
    return insert_item_in(Source.of(text), seq_path, index, value)


def insert_item_in(source: Source, seq_path: Path, index: int, value: Any) -> Change:
    located = locate(source.tree, seq_path)
    where = format_path(seq_path) or "the document"
    sequence = located.node
    if not located.found or not isinstance(sequence, Sequence):
        raise EditError(f"{where} is not a list in this file")
    count = len(sequence.items)
    if not 0 <= index <= count:
        raise EditError(f"{where} has {count} entries; cannot insert at {index}")
    like = sequence.items[min(index, count - 1)] if count else None
    scalar_like = like if isinstance(like, Scalar) else None
    if sequence.flow:
        entry = render(value, scalar_like, flow=True)
        if index == count:
            splices = layout.flow_append(source, sequence, entry)
        else:
            splices = [layout.flow_insert_before(source, sequence.items[index], entry)]
    else:
        dash = layout.block_dash(source, sequence.items[0])
        lines = layout.block_item_text(source, dash, value, like)
        if index == 0:
            at = lexical.line_start(source.body, dash)
        else:
            at = layout.after_line_of(source, sequence.items[index - 1])
        splices = [layout.new_lines_at(source, at, lines)]
    change = source.change(splices, line=_first_new_line(source, splices), located=located)
    path = (*seq_path, index)
    return source.confirm(change, path, lambda data: verify.insert_in(data, path, value))


def _into_mapping(source: Source, mapping: Mapping, key: Any, value: Any) -> list[Splice]:
    if mapping.flow:
        like = mapping.pairs[-1][0] if mapping.pairs else None
        key_like = like if isinstance(like, Scalar) else None
        entry = f"{render_key(key, key_like, flow=True)}: {render(value, flow=True)}"
        return layout.flow_append(source, mapping, entry)
    return [layout.block_mapping_insert(source, mapping, key, value)]


def _under_empty(source: Source, located: Located, empty: Scalar, key: Any, value: Any) -> Splice:
    """`key:` with no value gets the new mapping (in braces when written inside braces)."""
    if empty.flow:
        return layout.fill_empty(source, empty, render({key: value}, flow=True))
    step = located.steps[-1]
    if step.key_node is not None:
        column = step.key_node.column
    else:
        dash = layout.block_dash(source, empty)
        column = dash - lexical.line_start(source.body, dash)
    return layout.block_under_empty(source, column, empty, key, value)


def _line_of(located: Located) -> int:
    step = located.steps[-1]
    return (step.key_node or step.node).line + 1


def _first_new_line(source: Source, splices: list[Splice]) -> int:
    """1-based line where the inserted entry shows up."""
    main = max(splices, key=lambda s: len(s.text))
    leading = main.text[: len(main.text) - len(main.text.lstrip(",\r\n"))]
    return source.body.count("\n", 0, main.start) + 1 + leading.count("\n")
