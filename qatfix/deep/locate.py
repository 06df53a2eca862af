"""Where the weights key that ppdet loads is written: file and line, or the `-o` option.

Follows the precedence the model build reports (config chain, `-o`, slim config, in train.py's
order for the slim type) and, inside a file chain, ppdet's `_BASE_` rules: bases in list order,
then the file itself; paths relative to the including file, `~` expanded. Files are only
composed (YAML nodes with positions), so no tagged object is ever constructed here.
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Sequence

from qatfix.findings import Location

OPTIONS_PATH = "<-o>"
_BASE_KEY = "_BASE_"


def _top_level(path: str) -> list[tuple[Any, Any]]:
    """(key node, value node) pairs of a file's top-level mapping."""
    import yaml

    try:
        with open(path) as handle:
            root = yaml.compose(handle, Loader=yaml.Loader)
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    return [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)]


def _chain(path: str, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
    """(file, top-level pairs) in ppdet's merge order, lowest priority first."""
    import yaml

    if path in seen:
        return
    pairs = _top_level(path)
    for key, value in pairs:
        if key.value != _BASE_KEY or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            base = os.path.expanduser(str(getattr(item, "value", "")))
            if not base.startswith("/"):
                base = os.path.normpath(os.path.join(os.path.dirname(path), base))
            yield from _chain(base, seen | {path})
    yield path, pairs


def _option_index(options: Sequence[str], key: str) -> int:
    """1-based index of the last `-o` that sets top-level `key`, 0 when none does."""
    found = 0
    for index, option in enumerate(options, start=1):
        name = option.strip().split("=", 1)[0]
        if name == key:
            found = index
    return found


def locate_key(key: str, precedence: Sequence[tuple[str, str]],
               options: Sequence[str] = ()) -> Location | None:
    """The place the effective top-level `key` comes from, or None when nothing sets it."""
    found: Location | None = None
    for kind, path in precedence:
        if kind == "options":
            index = _option_index(options, key)
            if index:
                found = Location(OPTIONS_PATH, index)
            continue
        for file, pairs in _chain(path):
            for key_node, _ in pairs:  # a later duplicate wins, as in PyYAML
                if key_node.value == key:
                    mark = key_node.start_mark
                    found = Location(file, mark.line + 1, mark.column + 1)
    return found
