"""YAML 1.1 scalar typing, exactly as PyYAML's `Loader` (what ppdet uses) applies it.

ppdet reads configs with PyYAML, whose implicit resolver follows YAML 1.1: `yes`/`on` are booleans,
`010` is octal, and a float needs a dot (so `1e-4` stays a *string*). ruamel.yaml follows YAML 1.2,
so qatfix types plain scalars itself. `format_scalar` goes the other way: text that re-reads as the
given value under the same rules (quoted when a plain scalar would be typed differently).
"""
from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING, Callable
import datetime

if TYPE_CHECKING:
    import datetime

BOOL_VALUES = {
    "yes": True, "no": False, "true": True, "false": False, "on": True, "off": False,
}

_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
    r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"
    r"|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN))$")
_INT = re.compile(
    r"^(?:[-+]?0b[0-1_]+"
    r"|[-+]?0[0-7_]+"
    r"|[-+]?(?:0|[1-9][0-9_]*)"
    r"|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(
    r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
    r"(?:[Tt]|[ \t]+)[0-9][0-9]?"
    r":[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")
_TIMESTAMP_PARTS_SOURCE = (
    r"^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])"
    r"(?:\.(?P<fraction>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)(?::(?P<tz_minute>[0-9][0-9]))?))?)?$")

STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, MERGE, VALUE = (
    "str", "int", "float", "bool", "null", "timestamp", "merge", "value")

# PyYAML dispatches implicit resolvers on the first character, in the order they were added.
_BY_FIRST_CHAR: dict[str, list[tuple[str, re.Pattern[str]]]] = {}


def _add(kind: str, pattern: re.Pattern[str], first: str) -> None:
    for ch in first:
        _BY_FIRST_CHAR.setdefault(ch, []).append((kind, pattern))


_add(BOOL, _BOOL, "yYnNtTfFoO")
_add(FLOAT, _FLOAT, "-+0123456789.")
_add(INT, _INT, "-+0123456789")
_add(MERGE, re.compile(r"^(?:<<)$"), "<")
_add(NULL, _NULL, "~nN\0")
_add(TIMESTAMP, _TIMESTAMP, "0123456789")
_add(VALUE, re.compile(r"^(?:=)$"), "=")


@functools.lru_cache(maxsize=1)
def _timestamp_parts() -> re.Pattern[str]:
    """Compiled on first use: few configs hold a timestamp, and compiling costs ~0.5 ms."""
    return re.compile(_TIMESTAMP_PARTS_SOURCE)


def implicit_kind(text: str) -> str:
    """The YAML 1.1 type PyYAML gives a *plain* scalar with this text."""
    for kind, pattern in _BY_FIRST_CHAR.get(text[0] if text else "\0", ()):
        if pattern.match(text):
            return kind
    return STR


def _sign_and_body(text: str) -> tuple[int, str]:
    sign = -1 if text[0] == "-" else 1
    return sign, text[1:] if text[0] in "+-" else text


def _sexagesimal(body: str, number: Callable[[str], float]) -> float:
    total, base = 0.0, 1
    for part in reversed(body.split(":")):
        total += number(part) * base
        base *= 60
    return total


def construct_int(text: str) -> int:
    sign, body = _sign_and_body(text.replace("_", ""))
    if body == "0":
        return 0
    if body.startswith("0b"):
        return sign * int(body[2:], 2)
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body[0] == "0":
        return sign * int(body, 8)
    if ":" in body:
        return sign * int(_sexagesimal(body, int))
    return sign * int(body)


def construct_float(text: str) -> float:
    sign, body = _sign_and_body(text.replace("_", "").lower())
    if body == ".inf":
        return sign * math.inf
    if body == ".nan":
        return math.nan
    if ":" in body:
        return sign * _sexagesimal(body, float)
    return sign * float(body)


def construct_timestamp(text: str) -> datetime.date | datetime.datetime:
    m = _timestamp_parts().match(text)
    if m is None:
        raise ValueError(f"not a timestamp: {text!r}")
    year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    if not m["hour"]:
        return datetime.date(year, month, day)
    fraction = int((m["fraction"] or "0")[:6].ljust(6, "0"))
    tzinfo = None
    if m["tz_sign"]:
        delta = datetime.timedelta(hours=int(m["tz_hour"]), minutes=int(m["tz_minute"] or 0))
        tzinfo = datetime.timezone(-delta if m["tz_sign"] == "-" else delta)
    elif m["tz"]:
        tzinfo = datetime.timezone.utc
    return datetime.datetime(year, month, day, int(m["hour"]), int(m["minute"]),
                             int(m["second"]), fraction, tzinfo=tzinfo)


def construct(kind: str, text: str) -> object:
    """Build the Python value PyYAML builds for `text` typed as `kind`."""
    if kind == STR or kind == MERGE or kind == VALUE:
        return text
    if kind == INT:
        return construct_int(text)
    if kind == FLOAT:
        return construct_float(text)
    if kind == BOOL:
        return BOOL_VALUES[text.lower()]
    if kind == NULL:
        return None
    if kind == TIMESTAMP:
        return construct_timestamp(text)
    raise ValueError(f"unknown scalar kind {kind}")


def type_plain(text: str) -> object:
    """The value of a plain (unquoted, untagged) scalar."""
    return construct(implicit_kind(text), text)


_SAFE_PLAIN = re.compile(r"^[A-Za-z0-9_./~+\-()$][A-Za-z0-9_./~+\-()$ ]*$")


def _format_float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text:  # 1e-05 is a string in YAML 1.1: it needs a dot and a signed exponent
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{exponent.lstrip('+-')}"
    elif "." not in text:
        text += ".0"
    return text


def _quote(text: str) -> str:
    if "'" not in text and all(ch.isprintable() for ch in text):
        return f"'{text}'"
    return _double_quote(text)


def _double_quote(text: str) -> str:
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def format_string(text: str, prefer: str = "") -> str:
    """YAML text for a string: plain when it re-reads as the same string, else quoted.

    `prefer` is a quote character (`'` or `"`) to keep an existing style when possible.
    """
    if prefer == "'" and "'" not in text and all(ch.isprintable() for ch in text):
        return f"'{text}'"
    if prefer == '"':
        return _double_quote(text)
    if (text and _SAFE_PLAIN.match(text) and text == text.strip() and implicit_kind(text) == STR
            and not text.startswith(("-", "~")) or _is_plain_url(text)):
        return text
    return _quote(text)


def _is_plain_url(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s#,\[\]{}'\"]*$", text)) and \
        implicit_kind(text) == STR


def format_scalar(value: object, prefer: str = "") -> str:
    """YAML text that PyYAML re-reads as `value` (bool, int, float, None or str)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_float(value)
    if hasattr(value, "isoformat"):  # datetime.date and datetime.datetime
        return value.isoformat()
    if isinstance(value, str):
        return format_string(value, prefer)
    raise TypeError(f"not a YAML scalar: {type(value).__name__}")
