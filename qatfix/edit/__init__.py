"""Surgical YAML edits: splice new text into the original, leave every other byte alone.

Documents are never dumped. The parser's node positions (`tree`) say where a value is; the
primitives compute character splices against the original text, check that the result reads
back as intended (`verify`), and return a `Change` whose `new_text` is the edited text and whose
`text_edits(path)` are the whole-line `TextEdit`s for a `Fix`. `apply` writes files atomically.

    change = set_value(text, ("TrainReader", "batch_size"), 8)
    change.new_text, change.text_edits("configs/x.yml"), change.sharing_note()
"""
from __future__ import annotations

import importlib
from typing import Any

#: public name -> module; imported on first use, so reading a config pulls in no writer code
_EXPORTS = {
    "SourceFile": "apply", "apply_text_edits": "apply", "apply_to_texts": "apply",
    "read_source": "apply", "write_all": "apply", "BASE_KEY": "base_list", "insert_base": "base_list",
    "set_base": "base_list", "Change": "change", "delete_key": "delete", "unified_diff": "diff",
    "insert_item": "insert", "insert_key": "insert", "format_path": "keypath",
    "parse_dotted": "keypath", "set_value": "primitives", "replace_value": "replace",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qatfix.edit' has no attribute {name!r}")
    return getattr(importlib.import_module(f"qatfix.edit.{module}"), name)


__all__ = [
    "BASE_KEY", "Change", "SourceFile", "apply_text_edits", "apply_to_texts", "delete_key",
    "format_path", "insert_base", "insert_item", "insert_key", "parse_dotted", "read_source",
    "replace_value", "set_base", "set_value", "unified_diff", "write_all",
]
