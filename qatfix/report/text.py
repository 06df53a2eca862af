"""The default human report: one `path:line:col: severity CODE message` line per finding.

Under each finding, indented: further message lines, the proposed fix (`fix (safe): ...`), other
fixes to choose from (`alternative (unsafe): ...`) and related places (`note: path:line:col`).
A summary line closes the report.
"""
from __future__ import annotations

from collections.abc import Sequence

from qatfix.findings import Finding, Fix
from qatfix.report.color import paint
from qatfix.report.summary import Summary, ordered, summarize

INDENT = "    "
_SEVERITY_STYLE = {"error": ("bold", "red"), "warning": ("bold", "yellow"), "info": ("bold", "cyan")}
_SAFETY_STYLE = {"safe": ("green",), "unsafe": ("yellow",)}


def render(findings: Sequence[Finding], *, color: bool = False) -> str:
    """The whole report, ending with a newline; `color` adds ANSI styling."""
    lines: list[str] = []
    for finding in ordered(findings):
        lines.extend(finding_lines(finding, color=color))
    lines.append(summary_line(summarize(findings), color=color))
    return "\n".join(lines) + "\n"


def finding_lines(finding: Finding, *, color: bool = False) -> list[str]:
    """The lines of one finding (also used by the interactive review)."""
    first, *rest = finding.message.splitlines() or [""]
    severity = paint(finding.severity, *_SEVERITY_STYLE.get(finding.severity, ()), enabled=color)
    lines = [f"{paint(str(finding.location), 'bold', enabled=color)}: {severity} "
             f"{paint(finding.code, 'bold', enabled=color)} {first}"]
    lines.extend(INDENT + line for line in rest)
    if finding.fix is not None:
        lines.extend(_fix_lines("fix", finding.fix, color))
    for alternative in finding.alternatives:
        lines.extend(_fix_lines("alternative", alternative, color))
    for place in finding.related:
        lines.append(f"{INDENT}{paint('note:', 'dim', enabled=color)} {place}")
    return lines


def _fix_lines(label: str, fix: Fix, color: bool) -> list[str]:
    head = paint(f"{label} ({fix.safety}):", *_SAFETY_STYLE.get(fix.safety, ()), enabled=color)
    first, *rest = fix.title.splitlines() or [""]
    why = [INDENT * 2 + paint(f"{fix.safety} because: {fix.reason}", "dim", enabled=color)] \
        if fix.reason else []
    return [f"{INDENT}{head} {first}"] + [INDENT * 2 + line for line in rest] + why


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(summary: Summary, *, color: bool = False) -> str:
    """`N errors, N warnings, N infos; N fixable with --apply[, N more with --interactive]`.

    `all clear` when there is nothing to report. Unsafe fixes are counted apart: `--apply` skips them.
    """
    if summary.total == 0:
        return paint("all clear", "bold", "green", enabled=color)
    counts = ", ".join((
        paint(_count(summary.errors, "error"), "bold", "red", enabled=color and summary.errors > 0),
        paint(_count(summary.warnings, "warning"), "bold", "yellow",
              enabled=color and summary.warnings > 0),
        _count(summary.infos, "info"),
    ))
    fixes = []
    if summary.fixable:
        fixes.append(paint(f"{summary.fixable} fixable with --apply", "green", enabled=color))
    if summary.fixable_unsafe:
        more = "more" if summary.fixable else "fixable"
        fixes.append(f"{summary.fixable_unsafe} {more} with --interactive")
    not_checked = f"; {summary.unchecked} not checked" if summary.unchecked else ""
    return counts + ("; " + ", ".join(fixes) if fixes else "") + not_checked
