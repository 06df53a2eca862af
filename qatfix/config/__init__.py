"""Config files -> effective config with provenance, read exactly as ppdet reads them."""
from __future__ import annotations

from qatfix.config.loader import Document, load_document, load_file, parse_text
from qatfix.config.nodes import AnchorRef, ConfigList, ConfigMap, DuplicateKey, Origin, Tagged
from qatfix.config.resolve import Include, Resolved, base_path, resolve, to_plain

__all__ = [
    "AnchorRef", "ConfigList", "ConfigMap", "Document", "DuplicateKey", "Include", "Origin",
    "Resolved", "Tagged", "base_path", "load_document", "load_file", "parse_text", "resolve",
    "to_plain",
]
