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
    """`text` shortened to one terminal line, so it never wraps (`fit_line`)."""

    return fit_line(text, max(shutil.get_terminal_size().columns - 1, 20))


def fit_line(text: str, width: int) -> str:
    """`text` in `width` columns without cutting a word: folders of a path give way to `...`
    first, then the words after it; the file name itself is never cut or dropped."""
    if len(text) <= width:
        return text
    words = text.split(" ")
    for index, word in enumerate(words):
        if "/" in word.rstrip("/") and not word.startswith("["):
            words[index] = ".../" + word.rstrip("/").rsplit("/", 1)[-1]
            if len(" ".join(words)) <= width:
                return " ".join(words)
    named = next((i + 1 for i, word in enumerate(words) if word.startswith(".../")), 1)
    while len(words) > named and len(" ".join(words)) + len(" ...") > width:
        words.pop()
    shown = " ".join(words)
    return shown if shown == text else shown + " ..."
