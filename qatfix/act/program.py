"""The inputs of an exported program, read from paddle 3's `model.json` without paddle.

paddle 3 saves the program as PIR JSON: every feed is a `data` operation (`"#": "1.data"`)
whose attributes hold its `name` and `shape`. (A `model.pdmodel` protobuf is not read here.)
"""
from __future__ import annotations

import json
from typing import Any, Iterator, Optional


def _ops(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if str(item.get("#", "")).endswith(".data") and isinstance(item.get("A"), list):
                yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _attribute(op: dict[str, Any], name: str) -> Any:
    for attribute in op["A"]:
        if isinstance(attribute, dict) and attribute.get("N") == name:
            value = attribute.get("AT")
            return value.get("D") if isinstance(value, dict) else None
    return None


def feeds(path: str) -> Optional[dict[str, list[int]]]:
    """Feed name -> shape of a `model.json`, in program order; None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    found: dict[str, list[int]] = {}
    for op in _ops(data.get("program") if isinstance(data, dict) else None):
        name = _attribute(op, "name")
        shape = _attribute(op, "shape")
        if isinstance(name, str):
            found[name] = list(shape) if isinstance(shape, list) else []
    return found or None
