"""Print an effective config: as YAML, as JSON, or blamed (each value with where it came from)."""
from __future__ import annotations

import json
from typing import Any

from qatfix.config.nodes import ConfigMap, Origin, Tagged, walk
from qatfix.config.resolve import to_plain
from qatfix.config.yaml11 import format_scalar
from qatfix import __version__
import base64


def to_json(data: Any) -> str:
    return json.dumps(to_plain(data), indent=2, ensure_ascii=False) + "\n"


def _key_text(key: Any) -> str:
    return format_scalar(key) if isinstance(key, str) or key is None or isinstance(
        key, (int, float)) else format_scalar(str(key))


def _is_block(value: Any) -> bool:
    inner = value.value if isinstance(value, Tagged) else value
    return isinstance(inner, (dict, list)) and len(inner) > 0


def _inline(value: Any) -> str:
    if isinstance(value, Tagged):
        return f"{value.tag} {_inline(value.value)}"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, bytes):
        return "!!binary " + format_scalar(base64.b64encode(value).decode("ascii"))
    return format_scalar(value)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    inner = value.value if isinstance(value, Tagged) else value
    out: list[str] = []
    if isinstance(inner, dict):
        for key, item in inner.items():
            head = f"{pad}{_key_text(key)}:"
            if _is_block(item):
                tag = f" {item.tag}" if isinstance(item, Tagged) else ""
                out.append(head + tag)
                item_inner = item.value if isinstance(item, Tagged) else item
                out.extend(_lines(item, indent + (0 if isinstance(item_inner, list) else 2)))
            else:
                out.append(f"{head} {_inline(item)}")
    else:
        for item in inner:
            if _is_block(item):
                tag = f"{item.tag}" if isinstance(item, Tagged) else ""
                nested = _lines(item, indent + 2)
                first = nested[0][indent + 2:]
                out.append(f"{pad}- {tag}" if tag else f"{pad}- {first}")
                out.extend(nested if tag else nested[1:])
            else:
                out.append(f"{pad}- {_inline(item)}")
    return out


def to_yaml(data: ConfigMap) -> str:
    """Block-style YAML that PyYAML reads back as the same data (tags kept)."""
    return "\n".join(_lines(data, 0)) + "\n"


def _where(origin: Origin | None) -> str:
    if origin is None:
        return "?"
    if not origin.line:
        return f"{origin.path} (set by ppdet)"
    return f"{origin.path}:{origin.line}:{origin.column}"


def _origin_json(origin: Origin | None) -> dict[str, Any] | None:
    if origin is None:
        return None
    return {"path": origin.path, "line": origin.line, "column": origin.column}


def blame_records(data: ConfigMap) -> list[dict[str, Any]]:
    """Every leaf value with where it was defined, as plain data (`resolve --blame --format
    json`; schema in docs/json-output.md)."""
    rows = []
    for key_path, value, origin in walk(data):
        if _is_block(value):
            continue
        anchor = origin.anchor if origin else None
        rows.append({
            "key": [k for k in key_path],
            "value": to_plain(value),
            "defined_at": _origin_json(origin),
            "set_by_ppdet": origin is not None and not origin.line,
            "overrides": [_origin_json(o) for o in origin.overrode] if origin else [],
            "anchor": ({"name": anchor.name, "path": anchor.path, "line": anchor.line,
                        "column": anchor.column} if anchor else None),
        })
    return rows


def blame_json(data: ConfigMap) -> str:
    document = {"version": 1, "tool": {"name": "qatfix", "version": __version__},
                "values": blame_records(data)}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def blame(data: ConfigMap) -> str:
    """`git blame` for the effective config: every leaf value, where it was defined, what it
    overrode, and the anchor an aliased value came from."""
    rows: list[tuple[str, str, str]] = []
    for key_path, value, origin in walk(data):
        if _is_block(value):
            continue
        dotted = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in key_path)
        dotted = dotted.replace(".[", "[")
        notes = []
        if origin and origin.anchor:
            a = origin.anchor
            notes.append(f"via *{a.name} (anchor at {a.path}:{a.line}:{a.column})")
        if origin and origin.overrode:
            notes.append("overrides " + ", ".join(_where(o) for o in origin.overrode))
        rows.append((_where(origin), f"{dotted} = {_inline(value)}", "; ".join(notes)))
    width = max((len(r[0]) for r in rows), default=0)
    return "".join(f"{w:<{width}}  {text}{'  # ' + note if note else ''}\n" for w, text, note in rows)
