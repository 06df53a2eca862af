"""`set_value`: replace the value at a key path, or add it (and what leads to it) when missing."""
from __future__ import annotations

from typing import Any

from qatfix.edit.change import Change
from qatfix.edit.insert import insert_item_in, insert_key_in
from qatfix.edit.locate import Path, locate
from qatfix.edit.replace import replace_in
from qatfix.edit.source import Source
from qatfix.edit.tree import Sequence


def set_value(text: str, path: Path, value: Any) -> Change:
    """Make `path` read `value`: replaced in place, appended to a list (index == length), or
    inserted as a new key. Setting the value it already has changes nothing."""
    source = Source.of(text)
    located = locate(source.tree, path)
    if located.found:
        return replace_in(source, path, value)
    if len(located.missing) == 1 and isinstance(located.node, Sequence):
        return insert_item_in(source, path[:-1], len(located.node.items), value)
    return insert_key_in(source, path, value)
