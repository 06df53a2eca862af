"""Check an edit by reading the text back: the target holds the new value, nothing else moved.

Both texts are read with qatfix's PyYAML-compatible loader (YAML 1.1 typing, last duplicate key
wins, aliases shared). The expected data is the old data with the intended operation applied;
the edited text must read back to exactly that, or the edit is refused.
"""
from __future__ import annotations

from typing import Any

from qatfix.config import Tagged, parse_text
from qatfix.edit.keypath import Path, format_path, key_matches
from qatfix.edit.scalar import same_value
from qatfix.errors import EditError, QatfixError

MISSING = object()


def load_data(body: str) -> Any:
    try:
        return parse_text(body, "<edit>").construct()
    except QatfixError as exc:
        raise EditError(f"cannot read the text as ppdet would: {exc.message}", line=exc.line) \
            from None


def _inner(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def _child_key(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        for actual in reversed(list(container)):
            if key_matches(actual, key):
                return actual
        return MISSING
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return key
    return MISSING


def get(data: Any, path: Path) -> Any:
    """The value at `path`, or `MISSING`."""
    node = data
    for key in path:
        node = _inner(node)
        actual = _child_key(node, key)
        if actual is MISSING:
            return MISSING
        node = node[actual]
    return node


def _parent(data: Any, path: Path, *, create: bool) -> Any:
    node = _inner(data)
    for key in path[:-1]:
        actual = _child_key(node, key)
        if actual is MISSING:
            if not create or not isinstance(node, dict):
                raise EditError(f"{format_path(path)}: no such key")
            node[key] = {}
            actual = key
        elif create and node[actual] is None and isinstance(node, (dict, list)):
            node[actual] = {}  # an empty value (`key:` or a bare `-`) becomes the new mapping
        node = _inner(node[actual])
    return node


def set_in(data: Any, path: Path, value: Any) -> None:
    parent = _parent(data, path, create=True)
    actual = _child_key(parent, path[-1])
    if isinstance(parent, list) and actual is MISSING:
        parent.append(value)
        return
    parent[path[-1] if actual is MISSING else actual] = value


def delete_in(data: Any, path: Path) -> None:
    parent = _parent(data, path, create=False)
    if isinstance(parent, dict):
        for actual in [k for k in parent if key_matches(k, path[-1])]:
            del parent[actual]


def insert_in(data: Any, path: Path, value: Any) -> None:
    """Insert into a list: `path` ends with the index the new entry gets."""
    parent = _parent(data, path, create=False)
    parent.insert(path[-1], value)


def check(new_body: str, path: Path, expected: Any, *, whole: bool = True) -> None:
    """Refuse unless `new_body` reads as `expected` (the old data with the edit applied).

    With `whole=False` only the value at `path` is compared (used when `<<` merge keys copy
    values around, which plain data cannot model).
    """
    actual = load_data(new_body)
    if whole:
        if not same_value(actual, expected):
            raise EditError(f"editing {format_path(path)} would change more than that value; "
                            "nothing written")
        return
    if not same_value(get(actual, path), get(expected, path)):
        raise EditError(f"editing {format_path(path)} did not give the intended value; "
                        "nothing written")
