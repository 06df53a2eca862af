"""A value at a key path: how the path is spelled, how the value is written as YAML text, and
how an edited text is read back to check it.

Key paths are tuples of str (mapping keys) and int (list indexes); users type them dotted
(`TrainReader.batch_size`, `_BASE_.2`). Values are written as one-line YAML that PyYAML (YAML 1.1)
re-reads as the same value: strings are quoted only when a plain scalar would be typed differently
(`'1e-4'`, `'yes'`) or could not be written plain; the quoting of the text being replaced is kept
when the new value allows it, and so is the spelling family of booleans and nulls (`True` stays
capitalised, `~` stays `~`); collections are written in flow style, safe in block and in flow
context. An edit is checked by reading the text back with qatfix's PyYAML-compatible loader (last
duplicate key wins, aliases shared): it must read as the old data with the intended operation
applied, or it is refused. `qatfix set` also checks what it is asked to write (keys ppdet would
ignore, list indexes, numbers YAML 1.1 reads as strings).
"""
from __future__ import annotations

import datetime
import re
from typing import Any, Protocol, Union

from qatfix.config import Tagged, parse_text, yaml11
from qatfix.errors import EditError, QatfixError, UsageError


# --- key paths ---------------------------------------------------------------------------------

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


# --- values written as YAML text -----------------------------------------------------------

class Written(Protocol):
    """What rendering needs to know of the scalar being replaced (`qatfix.config.tree.ScalarNode` is one)."""

    @property
    def style(self) -> str: ...  # "" plain, "'", '"', "|", ">"
    @property
    def text(self) -> str: ...  # the text before typing
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
        return "~" if like is not None and like.style == "" and like.text == "~" else "null"
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
    old = like.text
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


# --- reading an edited text back ----------------------------------------------------------

MISSING = object()


def load_data(body: str) -> Any:
    try:
        return parse_text(body, "<edit>").construct()
    except QatfixError as exc:
        raise EditError(f"cannot read the text as ppdet would: {exc.message}", line=exc.line) \
            from None


def _inner(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def _child_key(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        for actual in reversed(list(container)):
            if key_matches(actual, key):
                return actual
        return MISSING
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return key
    return MISSING


def get(data: Any, path: Path) -> Any:
    """The value at `path`, or `MISSING`."""
    node = data
    for key in path:
        node = _inner(node)
        actual = _child_key(node, key)
        if actual is MISSING:
            return MISSING
        node = node[actual]
    return node


def _parent(data: Any, path: Path, *, create: bool) -> Any:
    node = _inner(data)
    for key in path[:-1]:
        actual = _child_key(node, key)
        if actual is MISSING:
            if not create or not isinstance(node, dict):
                raise EditError(f"{format_path(path)}: no such key")
            node[key] = {}
            actual = key
        elif create and node[actual] is None and isinstance(node, (dict, list)):
            node[actual] = {}  # an empty value (`key:` or a bare `-`) becomes the new mapping
        node = _inner(node[actual])
    return node


def set_in(data: Any, path: Path, value: Any) -> None:
    parent = _parent(data, path, create=True)
    actual = _child_key(parent, path[-1])
    if isinstance(parent, list) and actual is MISSING:
        parent.append(value)
        return
    parent[path[-1] if actual is MISSING else actual] = value


def delete_in(data: Any, path: Path) -> None:
    parent = _parent(data, path, create=False)
    if isinstance(parent, dict):
        for actual in [k for k in parent if key_matches(k, path[-1])]:
            del parent[actual]


def insert_in(data: Any, path: Path, value: Any) -> None:
    """Insert into a list: `path` ends with the index the new entry gets."""
    parent = _parent(data, path, create=False)
    parent.insert(path[-1], value)


def check(new_body: str, path: Path, expected: Any, *, whole: bool = True) -> None:
    """Refuse unless `new_body` reads as `expected` (the old data with the edit applied).

    With `whole=False` only the value at `path` is compared (used when `<<` merge keys copy
    values around, which plain data cannot model).
    """
    actual = load_data(new_body)
    if whole:
        if not same_value(actual, expected):
            raise EditError(f"editing {format_path(path)} would change more than that value; "
                            "nothing written")
        return
    if not same_value(get(actual, path), get(expected, path)):
        raise EditError(f"editing {format_path(path)} did not give the intended value; "
                        "nothing written")

