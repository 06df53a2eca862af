"""`check --statistics`: how many findings each code has, and how many of them a fix covers.

One row per code and severity, the most frequent first, as ruff's `--statistics` prints them:
`count  code  severity  fixable  summary` in text, the same fields as a list in JSON.
"""
from __future__ import annotations

from dataclasses import dataclass
import dataclasses
import json
from collections.abc import Sequence

from qatfix.errors import UsageError
from qatfix.findings import SEVERITY_RANK, Finding
from qatfix.rules import all_rules

#: the formats `--statistics` can print
STATISTICS_FORMATS = ("text", "json")


@dataclass(frozen=True)
class CodeCount:
    """The findings of one code at one severity."""

    code: str
    severity: str
    count: int
    #: how many have a safe fix (`--apply` writes it)
    fixable: int
    #: how many have a fix that needs review (`--interactive`)
    fixable_unsafe: int
    summary: str


def statistics(findings: Sequence[Finding]) -> list[CodeCount]:
    """One row per (code, severity) of `findings`, the most frequent first."""
    rows: dict[tuple[str, str], list[int]] = {}
    for finding in findings:
        row = rows.setdefault((finding.code, finding.severity), [0, 0, 0])
        row[0] += 1
        if finding.fix is not None and not finding.fix.command_only:  # a command writes nothing
            row[1 if finding.fix.safety == "safe" else 2] += 1
    rules = all_rules()
    counts = [CodeCount(code, severity, n, safe, unsafe,
                        rules[code].summary if code in rules else "")
              for (code, severity), (n, safe, unsafe) in rows.items()]
    return sorted(counts, key=lambda c: (-c.count, SEVERITY_RANK.get(c.severity, 3), c.code))


def render_statistics(findings: Sequence[Finding], fmt: str) -> str:
    """The statistics in `fmt` (text or json); another format is a usage error."""
    if fmt not in STATISTICS_FORMATS:
        raise UsageError(f"--statistics prints text or json, not {fmt}")
    rows = statistics(findings)
    if fmt == "json":
        return json.dumps([dataclasses.asdict(row) for row in rows], indent=2) + "\n"
    if not rows:
        return "no findings\n"
    width = len(str(rows[0].count))
    lines = []
    for row in rows:
        fixable = f"{row.fixable} fixable" if row.fixable else ""
        if row.fixable_unsafe:
            fixable += (", " if fixable else "") + f"{row.fixable_unsafe} to review"
        lines.append(f"{row.count:>{width}}  {row.code}  {row.severity:<7}  "
                     f"{fixable or '-':<11}  {row.summary}".rstrip())
    total = sum(row.count for row in rows)
    fixable_total = sum(row.fixable for row in rows)
    lines.append(f"{total} finding{'s' if total != 1 else ''} in {len(rows)} "
                 f"code{'s' if len(rows) != 1 else ''}; {fixable_total} fixable with --apply")
    return "\n".join(lines) + "\n"
