"""Write the registry deterministically: fixed key order, one weights entry per line.

One line per entry keeps diffs readable and loading fast (no indentation to scan).
"""
from __future__ import annotations

import json
from typing import Any, Mapping

SCHEMA_VERSION = 1


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def format_document(document: Mapping[str, Any]) -> str:
    """`{"schema_version":..., "sources": [...], "weights": [...]}` as stable text."""
    lines = ["{", f'"schema_version": {_compact(document["schema_version"])},']
    lines.append('"sources": [')
    sources = document.get("sources") or []
    lines += [_compact(s) + ("," if i < len(sources) - 1 else "") for i, s in enumerate(sources)]
    lines.append("],")
    lines.append('"weights": [')
    weights = document.get("weights") or []
    lines += [_compact(w) + ("," if i < len(weights) - 1 else "") for i, w in enumerate(weights)]
    lines.append("]")
    lines.append("}")
    return "\n".join(lines) + "\n"
