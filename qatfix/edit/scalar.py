"""Render Python values as one-line YAML text that PyYAML (YAML 1.1) re-reads as the same value.

Strings are quoted only when a plain scalar would be typed differently (`'1e-4'`, `'yes'`) or could
not be written plain; the quoting of the text being replaced is kept when the new value allows it,
and so is the spelling family of booleans and nulls (`True` stays capitalised, `~` stays `~`).
Collections are written in flow style, which is safe both in block and in flow context.
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Protocol

from qatfix.config import Tagged, yaml11
from qatfix.errors import EditError


class Written(Protocol):
    """What rendering needs to know of the scalar being replaced (`tree.Scalar` is one)."""

    @property
    def style(self) -> str: ...  # "" plain, "'", '"', "|", ">"
    @property
    def value(self) -> str: ...  # the text before typing
    @property
    def tag(self) -> str | None: ...
    @property
    def flow(self) -> bool: ...

#: plain scalars that YAML 1.2's core schema types as bool, null, int or float
_YAML12_TYPED = re.compile(
    r"^(?:true|True|TRUE|false|False|FALSE|~|null|Null|NULL"
    r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$")
_BOOL_SPELLINGS = (("true", "false"), ("yes", "no"), ("on", "off"))


def render(value: Any, like: Written | None = None, *, flow: bool = False) -> str:
    """One-line YAML for `value`; `like` is the scalar it replaces (its style is kept if possible).

    `flow` says the text goes inside `[...]`/`{...}`, where a plain `:` confuses libyaml.
    """
    flow = flow or (like is not None and like.flow)
    if isinstance(value, Tagged):
        return f"{value.tag} {render(value.value, flow=flow)}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render_key(k, flow=True)}: {render(v, flow=True)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(render(item, flow=True) for item in value) + "]"
    if isinstance(value, bool):
        return _bool(value, like)
    if value is None:
        return "~" if like is not None and like.style == "" and like.value == "~" else "null"
    if isinstance(value, str):
        prefer = like.style if like is not None and like.style in ("'", '"') else ""
        if not prefer and (_YAML12_TYPED.match(value) or (flow and ":" in value)):
            prefer = "'"  # a number to YAML 1.2 readers (and people); a `:` inside braces
        return yaml11.format_string(value, prefer)
    if isinstance(value, (int, float, datetime.date)):
        return yaml11.format_scalar(value)
    raise EditError(f"cannot write a {type(value).__name__} value into YAML")


def render_key(key: Any, like: Written | None = None, *, flow: bool = False) -> str:
    """A mapping key, in the quoting style of `like` (a neighbouring key) when possible."""
    if isinstance(key, (dict, list, tuple, Tagged)):
        raise EditError("mapping keys must be scalars")
    return render(key, like, flow=flow)


def _bool(value: bool, like: Written | None) -> str:
    if like is None or like.style != "" or like.tag is not None:
        return "true" if value else "false"
    old = like.value
    for pair in _BOOL_SPELLINGS:
        if old.lower() in pair:
            word = pair[0] if value else pair[1]
            if old.isupper():
                return word.upper()
            if old[:1].isupper():
                return word.capitalize()
            return word
    return "true" if value else "false"


def _kind(value: Any) -> type:
    """The type that matters for equality: a float keeping its spelling is a float."""
    return float if isinstance(value, float) else type(value)


def same_value(a: Any, b: Any) -> bool:
    """Equality that tells 1, 1.0 and True apart and treats NaN as equal to itself."""
    if isinstance(a, Tagged) or isinstance(b, Tagged):
        return (isinstance(a, Tagged) and isinstance(b, Tagged) and a.tag == b.tag
                and same_value(a.value, b.value))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if _kind(a) is not _kind(b):
        return False
    if isinstance(a, float) and a != a:
        return bool(b != b)
    return bool(a == b)
