"""Point one `_BASE_` entry of the command-line config at another file: which entry brings a
file, and how the new entry is spelled (relative to the config, like the old one)."""
from __future__ import annotations

import os

from qatfix.config.run_texts import load_document
from qatfix.config.resolve import base_path
from qatfix.errors import QatfixError


def base_entry(leaf: str, current: str) -> tuple[int, str] | None:
    """(index, text) of the `_BASE_` entry of `leaf` that names the file `current`."""
    try:
        entries = load_document(leaf).construct().get("_BASE_")
    except (QatfixError, AttributeError):
        return None
    if not isinstance(entries, list):
        return None
    for index, entry in enumerate(entries):
        if isinstance(entry, str) and os.path.normpath(base_path(leaf, entry)) == current:
            return index, entry
    return None


def spelled_like(leaf: str, wanted: str, old_entry: str) -> str:
    """`wanted` as a `_BASE_` entry of `leaf`, spelled like `old_entry` (`./` kept)."""
    new = os.path.relpath(wanted, os.path.dirname(leaf)).replace(os.sep, "/")
    if old_entry.startswith("./") and not new.startswith("."):
        new = "./" + new
    return new
