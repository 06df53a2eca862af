"""Findings as the terminal shows them: paths relative to the working directory where that is
shorter, rule descriptions from the catalogue for the formats that carry them."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from qatfix.findings import Finding, Location
from qatfix.report import render, want_color


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


def report(findings: Sequence[Finding], fmt: str) -> str:
    """The findings in format `fmt`, paths as `shown_path` gives them."""
    shown = [replace(f, location=_shown(f.location), related=tuple(map(_shown, f.related)))
             for f in findings]
    if fmt == "text":
        return render("text", shown, color=want_color(sys.stdout))
    if fmt in ("sarif", "rdjson"):
        from qatfix.report.rule_meta import catalogue_meta  # the chosen format describes rules

        return render(fmt, shown, root=os.getcwd(), rules=catalogue_meta())
    return render(fmt, shown)
