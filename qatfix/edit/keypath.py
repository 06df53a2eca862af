"""Key paths: their parts, how a typed YAML key answers to one, and the dotted form users type
(`TrainReader.batch_size`, `_BASE_.2`)."""
from __future__ import annotations

from typing import Any, Union

from qatfix.errors import UsageError

Key = Union[str, int]
#: str components are mapping keys, int ones list indexes (they also match "1" keys)
Path = tuple[Key, ...]


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


def key_matches(actual: Any, wanted: Key) -> bool:
    """True when a typed mapping key answers to a path component (ints also match "1" keys)."""
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual is wanted
    if actual == wanted and type(actual) is type(wanted):
        return True
    return isinstance(wanted, int) and actual == str(wanted)
