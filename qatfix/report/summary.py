"""Order and count findings the same way in every format, so outputs agree with each other."""
from __future__ import annotations

from typing import NamedTuple

from collections.abc import Iterable, Sequence

from qatfix.findings import SEVERITY_RANK, Finding
from qatfix.rules.inputs.not_checked import UNCHECKED_CODES


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by file, then position, then severity and code: output never depends on rule order."""
    return sorted(
        findings,
        key=lambda f: (f.location.path, f.location.line, f.location.column,
                       SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)), f.code, f.message),
    )


class Summary(NamedTuple):
    """Counts shown at the end of the text report and under `summary` in JSON."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    #: findings whose proposed fix is safe, i.e. what `--apply` would change
    fixable: int = 0
    #: findings whose proposed fix needs review (`--interactive`)
    fixable_unsafe: int = 0
    #: files or configs that were not checked: unreadable (QF000), not understood (QF002),
    #: `--deep` not run (QF003); while any is left the report never says "all clear"
    unchecked: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


def summarize(findings: Sequence[Finding]) -> Summary:
    by_severity = {"error": 0, "warning": 0, "info": 0}
    safe = unsafe = unchecked = 0
    for finding in findings:
        unchecked += finding.code in UNCHECKED_CODES
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
        if finding.fix is not None and not finding.fix.command_only:  # a command writes nothing
            if finding.fix.safety == "safe":
                safe += 1
            else:
                unsafe += 1
    return Summary(errors=by_severity["error"], warnings=by_severity["warning"],
                   infos=by_severity["info"], fixable=safe, fixable_unsafe=unsafe,
                   unchecked=unchecked)


def data_dict(finding: Finding) -> dict[str, object]:
    """`Finding.data` (pairs, later keys win) as a JSON-able dict."""
    return {str(key): jsonable(value) for key, value in finding.data}


def jsonable(value: object) -> object:
    """Plain JSON data for a fact a rule attached: containers recurse, anything exotic becomes str."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=repr)
    return str(value)
