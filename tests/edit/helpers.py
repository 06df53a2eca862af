"""Small checks shared by the edit tests."""
from __future__ import annotations

from typing import Any

from qatfix.config import lexical
from qatfix.edit.primitives import Change
from tests.edit.reference import pyyaml_load


def changed_lines(old: str, new: str) -> list[int]:
    """1-based lines of `old` that differ from `new`, when both have the same number of lines."""
    a, b = lexical.lines_of(old), lexical.lines_of(new)
    assert len(a) == len(b), (old, new)
    return [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]


def rereads(change: Change) -> Any:
    """The edited text as PyYAML (ppdet's reader) reads it."""
    return pyyaml_load(change.new_text)
