"""Surgical YAML edits: splice new text into the original, leave every other byte alone.

Documents are never dumped. The parser's node positions (`tree`) say where a value is; the
primitives compute character splices against the original text, check that the result reads
back as intended (`verify`), and return a `Change` whose `new_text` is the edited text and whose
`text_edits(path)` are the whole-line `TextEdit`s for a `Fix`. `apply` writes files atomically.

    change = set_value(text, ("TrainReader", "batch_size"), 8)
    change.new_text, change.text_edits("configs/x.yml"), change.sharing_note()
"""
from __future__ import annotations

from qatfix.edit.apply import SourceFile, apply_text_edits, apply_to_texts, read_source, write_all
from qatfix.edit.base import BASE_KEY, insert_base, set_base
from qatfix.edit.change import Change
from qatfix.edit.delete import delete_key
from qatfix.edit.diff import unified_diff
from qatfix.edit.insert import insert_item, insert_key
from qatfix.edit.keypath import format_path, parse_dotted
from qatfix.edit.primitives import set_value
from qatfix.edit.replace import replace_value

__all__ = [
    "BASE_KEY", "Change", "SourceFile", "apply_text_edits", "apply_to_texts", "delete_key",
    "format_path", "insert_base", "insert_item", "insert_key", "parse_dotted", "read_source",
    "replace_value", "set_base", "set_value", "unified_diff", "write_all",
]
