"""Whether to colour terminal output, and how (ANSI SGR sequences).

The CLI decides once with `want_color(stream)`; reporters only receive a boolean.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
        "magenta": "35", "cyan": "36"}
_RESET = "\x1b[0m"


def want_color(stream: object, env: Mapping[str, str] | None = None) -> bool:
    """True when `stream` should get ANSI colours.

    `NO_COLOR` (any non-empty value) turns colour off and wins over everything; `FORCE_COLOR`
    turns it on even when not a terminal (`0`/`false` turn it off); `TERM=dumb` turns it off;
    otherwise colour follows `stream.isatty()`.
    """
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force:
        return force.strip().lower() not in ("0", "false", "no", "off")
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        return False
    try:
        return bool(isatty())
    except (ValueError, OSError):  # closed or detached stream
        return False


def paint(text: str, *styles: str, enabled: bool) -> str:
    """`text` wrapped in the SGR codes for `styles` when enabled, unchanged otherwise."""
    if not enabled or not styles or not text:
        return text
    codes = ";".join(_SGR[s] for s in styles)
    return f"\x1b[{codes}m{text}{_RESET}"
