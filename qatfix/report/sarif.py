"""SARIF 2.1.0 log for code-scanning services (GitHub code scanning, IDE SARIF viewers).

One run; `tool.driver.rules` lists the codes that occur, described from the optional `rules`
mapping (see `qatfix.report.rule_meta`). Locations are URIs relative to `root` under the
`%SRCROOT%` base id. Every fix becomes a SARIF fix whose replacements delete whole lines (from
column 1 of `start_line` to column 1 of the line after `end_line`, so line endings are part of the
change) and insert `new_text` verbatim. Columns count Unicode code points.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.report.rule_meta import RuleMeta, lookup
from qatfix.report.summary import data_dict, ordered
from qatfix.report.tool import INFORMATION_URI, TOOL_NAME, TOOL_VERSION
from qatfix.report.uris import SRCROOT, artifact_location, root_uri

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def render(findings: Sequence[Finding], *, root: str | os.PathLike[str] | None = None,
           rules: Mapping[str, object] | None = None,
           information_uri: str = INFORMATION_URI) -> str:
    """The SARIF log as JSON text ending with a newline."""
    log = document(findings, root=root, rules=rules, information_uri=information_uri)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def document(findings: Sequence[Finding], *, root: str | os.PathLike[str] | None = None,
             rules: Mapping[str, object] | None = None,
             information_uri: str = INFORMATION_URI) -> dict[str, Any]:
    """The SARIF log as plain data."""
    findings = ordered(findings)
    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": TOOL_VERSION,
        "semanticVersion": TOOL_VERSION,
        "informationUri": information_uri,
        "rules": [rule_descriptor(code, lookup(rules, code)) for code in codes],
    }
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri(root)}}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = [result(f, index[f.code], root) for f in findings]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def rule_descriptor(code: str, meta: RuleMeta) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": code}
    if meta.title:
        rule["shortDescription"] = {"text": meta.title}
    if meta.summary:
        rule["fullDescription"] = {"text": meta.summary}
    if meta.url:
        rule["helpUri"] = meta.url
    if meta.explanation:
        rule["help"] = {"text": meta.explanation}
    return rule


def result(finding: Finding, rule_index: int, root: str | os.PathLike[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical_location(finding.location, root)}],
    }
    related = list(dict.fromkeys(finding.related))  # SARIF wants them unique
    if related:
        out["relatedLocations"] = [
            {"id": i, "physicalLocation": physical_location(place, root)}
            for i, place in enumerate(related)
        ]
    fixes = list(dict.fromkeys(finding.fixes))
    # SARIF's fix needs at least one artifact change: a corrected command line (a pasted
    # command's fix, which edits no file) goes into the result's properties instead
    edits = [fix for fix in fixes if not fix.command_only]
    if edits:
        out["fixes"] = [sarif_fix(fix, root) for fix in edits]
    properties: dict[str, Any] = {}
    commands = [fix for fix in fixes if fix.command_only]
    if commands:
        properties["commands"] = [{"description": fix.title, "command": fix.command,
                                   "safety": fix.safety, "reason": fix.reason}
                                  for fix in commands]
    if finding.config:
        properties["config"] = finding.config
    data = data_dict(finding)
    if data:
        properties["data"] = data
    if properties:
        out["properties"] = properties
    return out


def physical_location(location: Location, root: str | os.PathLike[str] | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(location.path, root)}
    if location.line > 0:
        region: dict[str, int] = {"startLine": location.line}
        if location.column > 0:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def sarif_fix(fix: Fix, root: str | os.PathLike[str] | None) -> dict[str, Any]:
    by_path: dict[str, list[TextEdit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    out: dict[str, Any] = {
        "description": {"text": fix.full_title},
        "artifactChanges": [
            {"artifactLocation": artifact_location(path, root),
             "replacements": [replacement(edit) for edit in edits]}
            for path, edits in by_path.items()
        ],
    }
    properties: dict[str, Any] = {"safety": fix.safety}
    if fix.value is not None:
        properties["value"] = fix.value
    out["properties"] = properties
    return out


def replacement(edit: TextEdit) -> dict[str, Any]:
    return {"deletedRegion": deleted_region(edit), "insertedContent": {"text": edit.new_text}}


def deleted_region(edit: TextEdit) -> dict[str, int]:
    """The lines an edit replaces, line endings included; an empty region for an insertion."""
    start = edit.start_line
    if edit.end_line < start or not edit.old_text:
        return {"startLine": start, "startColumn": 1, "endLine": start, "endColumn": 1}
    if edit.old_text.endswith(("\n", "\r")):
        return {"startLine": start, "startColumn": 1, "endLine": edit.end_line + 1, "endColumn": 1}
    # the last line of a file without a final line break: end after its last character
    last = _LINE_BREAK.split(edit.old_text)[-1]
    return {"startLine": start, "startColumn": 1, "endLine": edit.end_line, "endColumn": len(last) + 1}
