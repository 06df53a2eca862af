"""GitHub Actions workflow commands: one `::error file=...,line=...,col=...,title=CODE::message`
per finding (`warning` and `notice` for the other severities), shown as annotations on the run
and the pull request.

Escaping follows GitHub's toolkit (`@actions/core`, command.ts): data escapes `%`, CR and LF;
property values also escape `:` and `,`.
"""
from __future__ import annotations

from collections.abc import Sequence

from qatfix.findings import Finding
from qatfix.report.summary import ordered

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the part after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a `key=value` property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding]) -> str:
    """One workflow command per line; empty when there are no findings."""
    return "".join(command(f) + "\n" for f in ordered(findings))


def command(finding: Finding) -> str:
    """The workflow command for one finding; fix and related places go on further message lines."""
    props = [("file", finding.location.path)]
    if finding.location.line:
        props.append(("line", str(finding.location.line)))
        if finding.location.column:
            props.append(("col", str(finding.location.column)))
    props.append(("title", finding.code))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props if value)
    name = COMMANDS.get(finding.severity, "warning")
    return f"::{name} {joined}::{escape_data(message(finding))}"


def message(finding: Finding) -> str:
    lines = [finding.message]
    if finding.fix is not None:
        lines.append(f"fix ({finding.fix.safety}): {finding.fix.full_title}")
    lines.extend(f"alternative ({alt.safety}): {alt.full_title}" for alt in finding.alternatives)
    lines.extend(f"note: {place}" for place in finding.related)
    return "\n".join(lines)
