"""The data a resolved config is made of, and where each value came from.

Values are plain Python (dicts, lists, scalars typed as PyYAML would type them) so that merging can
mirror ppdet's `dict_merge` exactly, including its in-place mutation of shared (aliased) mappings.
`ConfigMap` and `ConfigList` carry the provenance of each entry next to it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterator, Union


Key = Union[str, int]
KeyPath = tuple[Any, ...]


@dataclass(frozen=True)
class AnchorRef:
    """Where an alias's anchor was defined (`&name`), and under which key path."""

    name: str
    path: str
    line: int
    column: int
    key_path: KeyPath = ()


@dataclass(frozen=True)
class Origin:
    """Where a value was defined: the key (or list item) position, 1-based.

    `value_line`/`value_column` locate the value text itself (the alias, for an aliased value).
    `overrode` lists the definitions this one replaced, most recent first; `anchor` is set when the
    value came through an alias.
    """

    path: str
    line: int
    column: int
    value_line: int = 0
    value_column: int = 0
    anchor: AnchorRef | None = None
    overrode: tuple["Origin", ...] = ()

    def overriding(self, previous: "Origin | None") -> "Origin":
        if previous is None:
            return self
        return replace(self, overrode=(previous.without_history(), *previous.overrode))

    def without_history(self) -> "Origin":
        return replace(self, overrode=()) if self.overrode else self

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Tagged:
    """A value with a custom tag (`!CosineDecay`), kept as data: qatfix never constructs objects."""

    tag: str
    value: Any

    def __repr__(self) -> str:
        return f"Tagged({self.tag!r}, {self.value!r})"


@dataclass(frozen=True)
class DuplicateKey:
    """A key defined twice in one mapping; PyYAML silently keeps the last value."""

    path: str
    key_path: KeyPath
    first: Origin
    last: Origin


class ConfigMap(dict[Any, Any]):
    """A mapping that knows the `Origin` of each key."""

    __slots__ = ("origins",)

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[Any, Origin] = {}

    def set(self, key: Any, value: Any, origin: Origin) -> None:
        self[key] = value
        self.origins[key] = origin

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self.origins.pop(key, None)


class ConfigList(list[Any]):
    """A sequence that knows the `Origin` of each item."""

    __slots__ = ("origins",)

    def __init__(self) -> None:
        super().__init__()
        self.origins: list[Origin] = []

    def add(self, value: Any, origin: Origin) -> None:
        self.append(value)
        self.origins.append(origin)


def child(container: Any, key: Any) -> Any:
    """Step into a container by key, looking through a `Tagged` wrapper."""
    if isinstance(container, Tagged):
        container = container.value
    if isinstance(container, dict):
        return container[key]
    if isinstance(container, list) and isinstance(key, int):
        return container[key]
    raise KeyError(key)


def origin_of(container: Any, key: Any) -> Origin | None:
    if isinstance(container, Tagged):
        container = container.value
    if isinstance(container, ConfigMap):
        return container.origins.get(key)
    if isinstance(container, ConfigList) and isinstance(key, int) and 0 <= key < len(container.origins):
        return container.origins[key]
    return None


def walk(value: Any, prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Any, Origin | None]]:
    """Every leaf and container below `value` with its key path and origin (depth first)."""
    inner = value.value if isinstance(value, Tagged) else value
    if isinstance(inner, dict):
        for key, item in inner.items():
            yield (*prefix, key), item, origin_of(inner, key)
            yield from walk(item, (*prefix, key))
    elif isinstance(inner, list):
        for index, item in enumerate(inner):
            yield (*prefix, index), item, origin_of(inner, index)
            yield from walk(item, (*prefix, index))
