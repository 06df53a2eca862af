"""Dotted key paths as users type them (`TrainReader.batch_size`, `_BASE_.2`) and back."""
from __future__ import annotations

from typing import Union

from qatfix.errors import UsageError

Key = Union[str, int]


def parse_dotted(text: str) -> tuple[Key, ...]:
    """`a.b.2` -> ("a", "b", 2): numeric components index lists (they also match "2" keys)."""
    if not text or text.strip() != text:
        raise UsageError(f"bad key {text!r}: give a dotted path such as TrainReader.batch_size")
    parts = text.split(".")
    if any(part == "" for part in parts):
        raise UsageError(f"bad key {text!r}: empty component")
    return tuple(int(part) if part.isdigit() and part.isascii() else part for part in parts)


def format_path(path: tuple[Key, ...]) -> str:
    """The dotted form of a path, as `parse_dotted` reads it."""
    return ".".join(str(part) for part in path)
