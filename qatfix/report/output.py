"""Findings as the terminal shows them: paths relative to the working directory where that is
shorter, rule descriptions from the catalogue for the formats that carry them."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from qatfix.findings import Finding, Location
from qatfix.report import render, want_color
import shutil


def shown_path(path: str) -> str:
    """`path` relative to the working directory unless it lies two folders or more above it
    (or is a pseudo-path such as `<-o>`)."""
    if path.startswith("<"):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith(".." + os.sep + "..") else rel


def _shown(location: Location) -> Location:
    return Location(shown_path(location.path), location.line, location.column)


def text_width() -> int | None:
    """The width the text report wraps to: the terminal's, on a terminal; none elsewhere (a
    pipe or file gets one line per finding, for grep and editors)."""
    if not sys.stdout.isatty():
        return None

    return max(shutil.get_terminal_size().columns, 40)


def report(findings: Sequence[Finding], fmt: str, *, verbose: bool = False) -> str:
    """The findings in format `fmt`, paths as `shown_path` gives them; `verbose`: the text
    report's detail (every format but text always carries it)."""
    shown = [replace(f, location=_shown(f.location), related=tuple(map(_shown, f.related)))
             for f in findings]
    if fmt == "text":
        return render("text", shown, color=want_color(sys.stdout), verbose=verbose,
                      width=text_width())
    if fmt in ("sarif", "rdjson"):
        from qatfix.report.rule_meta import catalogue_meta  # the chosen format describes rules

        return render(fmt, shown, root=os.getcwd(), rules=catalogue_meta())
    return render(fmt, shown)
