"""ppdet's `dict_merge`, with provenance.

Mirrors ppdet/core/workspace.py: for each key of the incoming mapping, recurse when both sides are
mappings, otherwise replace — by reference, so a mapping shared through a YAML alias keeps being
shared and later merges into it show up at every alias, as they do in ppdet.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from qatfix.config.nodes import ConfigMap, Origin

_Map = TypeVar("_Map", bound=dict[Any, Any])


def dict_merge(target: _Map, incoming: Mapping[Any, Any]) -> _Map:
    """Merge `incoming` into `target` in place and return `target`."""
    if target is incoming:
        return target
    incoming_origins = getattr(incoming, "origins", {})
    for key, value in list(incoming.items()):
        current = target.get(key, _MISSING) if isinstance(target, dict) else _MISSING
        if current is not _MISSING and isinstance(current, dict) and isinstance(value, dict):
            dict_merge(current, value)
            continue
        target[key] = value
        origin: Origin | None = incoming_origins.get(key)
        if isinstance(target, ConfigMap) and origin is not None:
            previous = target.origins.get(key) if current is not _MISSING else None
            target.origins[key] = origin.overriding(previous)
    return target


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
