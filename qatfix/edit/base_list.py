"""Edit the `_BASE_` list ppdet configs inherit through (block or flow, trailing comma kept)."""
from __future__ import annotations

from qatfix.config import yaml11
from qatfix.edit import layout, lexical, verify
from qatfix.edit.change import Change
from qatfix.edit.insert import insert_item_in
from qatfix.edit.locate import locate
from qatfix.edit.replace import replace_value
from qatfix.edit.source import Source
from qatfix.edit.tree import Mapping, Scalar
from qatfix.errors import EditError
from qatfix.config.resolve import BASE_KEY



def set_base(text: str, index: int, value: str) -> Change:
    """Make `_BASE_[index]` read `value` (the entry must exist)."""
    return replace_value(text, (BASE_KEY, index), value)


def insert_base(text: str, index: int, value: str) -> Change:
    """Insert `value` as `_BASE_[index]`; nothing changes when `_BASE_` already lists it.

    A file without `_BASE_` gets one in ppdet's usual style, above its first key.
    """
    source = Source.of(text)
    located = locate(source.tree, (BASE_KEY,))
    if located.found:
        current = verify.get(source.data(), (BASE_KEY,))
        if isinstance(current, list) and value in current:
            return source.change(())
        return insert_item_in(source, (BASE_KEY,), index, value)
    if index != 0:
        raise EditError(f"this file has no {BASE_KEY}; only entry 0 can be added")
    return _create(source, value)


def _create(source: Source, value: str) -> Change:
    root = source.tree.root
    nl, pad = source.newline, " " * source.indent_unit
    lines = f"{BASE_KEY}: [{nl}{pad}{yaml11.format_string(value, chr(39))},{nl}]{nl}"
    if isinstance(root, Mapping) and not root.flow:
        at = lexical.line_start(source.body, root.pairs[0][0].start)
        splice = layout.new_lines_at(source, at, lines)
    elif root is None or (isinstance(root, Scalar) and root.is_empty):
        splice = layout.new_lines_at(source, len(source.body), lines)
    else:
        raise EditError(f"cannot add {BASE_KEY}: the document is not a block mapping")
    change = source.change([splice], line=source.body.count("\n", 0, splice.start) + 1)
    return source.confirm(change, (BASE_KEY,),
                          lambda data: verify.set_in(data, (BASE_KEY,), [value]))
