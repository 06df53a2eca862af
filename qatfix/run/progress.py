"""One status line on stderr while qatfix works for more than a moment (folder scans, `--deep`,
`inspect`): on a terminal only, never next to a machine-readable format."""
from __future__ import annotations

import sys
import shutil


class Progress:
    """`[3/40] path` on stderr while a long run goes on: on a terminal only, never with a
    machine-readable format, cleared before anything else is printed."""

    def __init__(self, fmt: str) -> None:
        self.enabled = fmt == "text" and sys.stderr.isatty()
        self.shown = False

    def show(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{_fit(text)}")
            sys.stderr.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.shown = False


def _fit(text: str) -> str:
    """`text` shortened in the middle to one terminal line, so it never wraps."""

    width = max(shutil.get_terminal_size().columns - 1, 20)
    if len(text) <= width:
        return text
    keep = (width - 3) // 2
    return f"{text[:keep]}...{text[-(width - 3 - keep):]}"
