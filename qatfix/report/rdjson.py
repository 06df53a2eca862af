"""reviewdog Diagnostic Format, JSON flavour (`reviewdog -f=rdjson`).

Positions: lines are 1-based; rdjson columns count UTF-8 bytes while qatfix columns count
characters, so pass `sources` (path -> file text, as read) to convert; without it the character
column is used, which agrees on ASCII lines. Suggestions carry the finding's proposed fix when all
its edits are in the finding's file (rdjson suggestions cannot name another file). Whole-line
replacements use line-wise ranges (no columns), the form reviewdog turns into GitHub suggested
changes; an insertion is an empty range at column 1.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.report.rule_meta import lookup
from qatfix.report.summary import ordered
from qatfix.report.tool import INFORMATION_URI, TOOL_NAME
from qatfix.report.uris import display_path

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def render(findings: Sequence[Finding], *, root: str | os.PathLike[str] | None = None,
           rules: Mapping[str, object] | None = None,
           sources: Mapping[str, str] | None = None) -> str:
    """The rdjson document (a `DiagnosticResult`) as JSON text ending with a newline."""
    doc = document(findings, root=root, rules=rules, sources=sources)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def document(findings: Sequence[Finding], *, root: str | os.PathLike[str] | None = None,
             rules: Mapping[str, object] | None = None,
             sources: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {
        "source": {"name": TOOL_NAME, "url": INFORMATION_URI},
        "diagnostics": [diagnostic(f, root=root, rules=rules, sources=sources)
                        for f in ordered(findings)],
    }


def diagnostic(finding: Finding, *, root: str | os.PathLike[str] | None = None,
               rules: Mapping[str, object] | None = None,
               sources: Mapping[str, str] | None = None) -> dict[str, Any]:
    code: dict[str, str] = {"value": finding.code}
    url = lookup(rules, finding.code).url
    if url:
        code["url"] = url
    out: dict[str, Any] = {
        "message": finding.message,
        "location": location(finding.location, root, sources),
        "severity": SEVERITIES.get(finding.severity, "UNKNOWN_SEVERITY"),
        "code": code,
    }
    suggestions = fix_suggestions(finding.fix, finding.location.path)
    if suggestions:
        out["suggestions"] = suggestions
    if finding.related:
        out["related_locations"] = [{"location": location(place, root, sources)}
                                    for place in finding.related]
    return out


def location(place: Location, root: str | os.PathLike[str] | None,
             sources: Mapping[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"path": display_path(place.path, root)}
    if place.line > 0:
        start: dict[str, int] = {"line": place.line}
        if place.column > 0:
            start["column"] = byte_column(sources, place)
        out["range"] = {"start": start}
    return out


def byte_column(sources: Mapping[str, str] | None, place: Location) -> int:
    """1-based UTF-8 byte column of a 1-based character column, when the file text is known."""
    text = sources.get(place.path) if sources else None
    if text is None:
        return place.column
    lines = text.splitlines()
    if not 0 < place.line <= len(lines):
        return place.column
    prefix = lines[place.line - 1][: place.column - 1]
    return len(prefix.encode("utf-8")) + 1


def fix_suggestions(fix: Fix | None, path: str) -> list[dict[str, Any]]:
    """Suggestions for `fix`, or none when it touches a file other than `path`."""
    if fix is None or not fix.edits or any(edit.path != path for edit in fix.edits):
        return []
    return [suggestion(edit) for edit in fix.edits]


def _strip_one_line_break(text: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def suggestion(edit: TextEdit) -> dict[str, Any]:
    start = edit.start_line
    if edit.end_line < start or not edit.old_text:
        point = {"line": start, "column": 1}
        return {"range": {"start": point, "end": dict(point)}, "text": edit.new_text}
    ends_line = edit.old_text.endswith(("\n", "\r"))
    if not ends_line or not edit.new_text or edit.new_text.endswith(("\n", "\r")):
        # line-wise: the lines are replaced whole, their final line break kept
        return {"range": {"start": {"line": start}, "end": {"line": edit.end_line}},
                "text": _strip_one_line_break(edit.new_text)}
    # new text joins the following line: an exact range up to the start of the next line
    return {"range": {"start": {"line": start, "column": 1},
                      "end": {"line": edit.end_line + 1, "column": 1}},
            "text": edit.new_text}
