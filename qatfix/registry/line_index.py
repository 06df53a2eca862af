"""Lookups in a registry file written one entry per line (networks.json, recipes.json): find the
key's line inside its section instead of parsing every entry."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def section_ranges(text: bytes, sections: Iterable[str]) -> dict[str, tuple[int, int]] | None:
    """Byte range of each top-level section's entries; None when one of them is missing."""
    ranges: dict[str, tuple[int, int]] = {}
    for name in sections:
        head = b'\n "' + name.encode() + b'": {'
        start = text.find(head)
        if start < 0:
            return None
        start += len(head)
        end = text.find(b"\n }", start)
        ranges[name] = (start, end if end >= 0 else len(text))
    return ranges


def line_value(text: bytes, span: tuple[int, int], key: str) -> Any:
    """The value of `key`'s entry line within `span`, or None when there is none."""
    needle = b"\n  " + json.dumps(key).encode() + b": "
    at = text.find(needle, *span)
    if at < 0:
        return None
    at += len(needle)
    line_end = text.find(b"\n", at)
    return json.loads(text[at:line_end if line_end >= 0 else None].rstrip(b","))
