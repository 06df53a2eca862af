"""What `qatfix set` checks before it writes: keys ppdet would ignore, list indexes, numbers.

A key defined nowhere in the config's `_BASE_` chain, unknown to ppdet and one typo away from a
key it knows (`TrainReader.batchsize`) is most likely that key misspelt: ppdet would silently
ignore it (judged as QF406 judges keys, by `qatfix.model.key_spelling`). A
numeric component must index a list that the file itself holds (ppdet replaces whole lists
when it merges, so `sample_transforms.0` of a base's list would turn into a mapping `{'0': ...}`
that replaces the base's list). A value that YAML 1.1 reads as a string although it looks like
a number (`1e-4`) is respelled so that ppdet reads the number (`1.0e-4`).
"""
from __future__ import annotations

import re
from typing import Any

from qatfix.config.nodes import Tagged
from qatfix.edit.keypath import Key, format_path, key_matches
from qatfix.errors import EditError
from qatfix.model.key_spelling import meant_path

#: YAML 1.2 floats without the dot or the signed exponent YAML 1.1 wants for a float
_EXPONENT_NUMBER = re.compile(r"^([-+]?(?:\d[\d_]*)?\.?\d*)[eE]([-+]?)(\d+)$")


class SpelledFloat(float):
    """A float written as the user spelled it, made valid for YAML 1.1 (`1e-4` -> `1.0e-4`)."""

    spelling: str

    def __new__(cls, value: float, spelling: str) -> "SpelledFloat":
        made = super().__new__(cls, value)
        made.spelling = spelling
        return made

    def __repr__(self) -> str:
        return self.spelling


def as_number(text: str) -> SpelledFloat | None:
    """`1e-4` -> 1.0e-4 (a float), or None when `text` is not such a number."""
    match = _EXPONENT_NUMBER.match(text.strip())
    if not match or not any(c.isdigit() for c in match.group(1)):
        return None
    mantissa, sign, digits = match.groups()
    if "." not in mantissa:
        mantissa += ".0"
    elif mantissa.endswith("."):
        mantissa += "0"
    if mantissa.lstrip("+-").startswith("."):
        mantissa = mantissa.replace(".", "0.", 1)
    spelling = f"{mantissa}e{sign or '+'}{digits}"
    try:
        return SpelledFloat(float(spelling.replace("_", "")), spelling)
    except ValueError:
        return None


def _inner(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def _child(container: Any, key: Key) -> tuple[bool, Any]:
    container = _inner(container)
    if isinstance(container, dict):
        for actual in reversed(list(container)):
            if key_matches(actual, key):
                return True, container[actual]
        return False, None
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return True, container[key]
    return False, None


def _lookup(data: Any, path: tuple[Key, ...]) -> tuple[bool, Any]:
    node = data
    for key in path:
        found, node = _child(node, key)
        if not found:
            return False, None
    return True, node


def check_indexes(file_data: Any, effective: Any, path: tuple[Key, ...]) -> None:
    """Refuse a numeric component that does not index a list the file holds (the length of
    the list, for the last component, appends)."""
    for index, key in enumerate(path):
        if not isinstance(key, int):
            continue
        prefix = path[:index]
        where = format_path(prefix) or "the document"
        found, container = _lookup(file_data, prefix)
        container = _inner(container)
        if found and isinstance(container, list):
            last = index == len(path) - 1
            if key > len(container) or (key == len(container) and not last):
                raise EditError(f"{format_path(path)}: {where} has {len(container)} entries; "
                                f"there is no entry {key}")
            continue
        if found and isinstance(container, dict) and _child(container, key)[0]:
            continue
        in_base, value = _lookup(effective, prefix) if effective is not None else (False, None)
        if in_base and isinstance(_inner(value), list):
            raise EditError(f"{format_path(path)}: {where} is a list that comes from a base "
                            "file; ppdet merges lists whole, so setting entry "
                            f"{key} here would replace that list by a mapping. Edit the file "
                            "that defines the list, or copy the whole list into this one")
        raise EditError(f"{format_path(path)}: {where} is not a list in this file, so {key} "
                        "cannot index it")


def did_you_mean(effective: Any, path: tuple[Key, ...], top: Any = frozenset(),
                 sections: Any = None) -> str | None:
    """A known key `path` is probably a misspelling of, when `path` is defined nowhere in the
    config's chain and ppdet does not know it (`top`, `sections`: the keys ppdet knows, see
    `qatfix.registry.config_keys`); else None. The judgement is `qatfix.model.key_spelling`'s."""
    if effective is None:
        return None
    meant = meant_path(effective, path, top, sections or {})
    return format_path(meant) if meant is not None else None
