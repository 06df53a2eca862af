"""Machine-readable report with a stable, documented schema (docs/json-output.md, version 1).

Additive changes keep `version` at 1; removing or changing the meaning of a field bumps it.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.report.summary import data_dict, ordered, summarize
from qatfix.report.tool import TOOL_NAME, TOOL_VERSION

SCHEMA_VERSION = 1


def render(findings: Sequence[Finding], *, indent: int | None = 2) -> str:
    """The report as JSON text (UTF-8 characters kept as they are), ending with a newline."""
    return json.dumps(document(findings), indent=indent, ensure_ascii=False) + "\n"


def document(findings: Sequence[Finding]) -> dict[str, Any]:
    """The report as plain data, before serialisation."""
    summary = summarize(findings)
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "findings": [finding_dict(f) for f in ordered(findings)],
        "summary": {
            "total": summary.total,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "fixable": summary.fixable,
            "fixable_unsafe": summary.fixable_unsafe,
            "unchecked": summary.unchecked,
        },
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "headline": finding.short,
        "fact": finding.fact,
        "location": location_dict(finding.location),
        "related": [location_dict(place) for place in finding.related],
        "fix": fix_dict(finding.fix) if finding.fix is not None else None,
        "alternatives": [fix_dict(alt) for alt in finding.alternatives],
        "config": finding.config,
        "data": data_dict(finding),
    }


def location_dict(location: Location) -> dict[str, Any]:
    return {"path": location.path, "line": location.line, "column": location.column}


def fix_dict(fix: Fix) -> dict[str, Any]:
    return {
        "title": fix.full_title,
        "note": fix.note,
        "command": fix.command,
        "safety": fix.safety,
        "reason": fix.reason,
        "value": fix.value,
        "edits": [edit_dict(edit) for edit in fix.edits],
    }


def edit_dict(edit: TextEdit) -> dict[str, Any]:
    return {
        "path": edit.path,
        "start_line": edit.start_line,
        "end_line": edit.end_line,
        "old_text": edit.old_text,
        "new_text": edit.new_text,
    }
