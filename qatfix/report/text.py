"""The default human report: one `path:line:col: severity CODE message` line per finding.

Concise by default, as linters print: the headline (what goes wrong, with its key figure) on the
finding's line and the proposed fix on one indented line (`fix (safe): ...`). `verbose` (the CLI's
`-v`/`--show-fixes`) adds the whole message, the fix's note and the reason for its safety, the
other fixes to choose from (`alternative (unsafe): ...`) and related places (`note:
path:line:col`).

A report over several files is grouped by file: the path on a line of its own, each finding
under it as `  line:col: severity CODE message`. Infos that state one fact about many configs
(`Finding.fact`) fold into one line with their count, unless `verbose`. Lines wrap to `width`
when one is given, between words only, so a path is never cut. A summary line closes the report.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from qatfix.findings import Finding, Fix
from qatfix.report.color import paint
from qatfix.report.summary import Summary, ordered, summarize

INDENT = "    "
#: a fact repeated by at least this many infos is folded into one line (without verbose)
FOLD_AT = 3
#: how many codes the summary line names
TOP_CODES = 3
_SEVERITY_STYLE = {"error": ("bold", "red"), "warning": ("bold", "yellow"), "info": ("bold", "cyan")}
_SAFETY_STYLE = {"safe": ("green",), "unsafe": ("yellow",)}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(findings: Sequence[Finding], *, color: bool = False, verbose: bool = False,
           width: int | None = None) -> str:
    """The whole report, ending with a newline; `color` adds ANSI styling, `verbose` the
    detail of every finding, `width` wraps lines to that many columns."""
    shown = ordered(findings)
    folded: list[tuple[Finding, int]] = []
    if not verbose:
        shown, folded = fold(shown)
    grouped = len({f.location.path for f in shown}) > 1
    lines: list[str] = []
    path = None
    for finding in shown:
        if grouped and finding.location.path != path:
            path = finding.location.path
            header = "command line" if path.startswith("<") else path
            lines.append(paint(header, "bold", enabled=color))
        lines.extend(finding_lines(finding, color=color, verbose=verbose, width=width,
                                   in_group=grouped))
    for first, count in folded:
        lines.extend(_folded_lines(first, count, color=color, width=width))
    lines.extend(_wrap(summary_line(summarize(findings), color=color, codes=Counter(
        f.code for f in findings)), "", INDENT, width))
    return "\n".join(lines) + "\n"


def fold(findings: Sequence[Finding]) -> tuple[list[Finding], list[tuple[Finding, int]]]:
    """(findings left to list, (first finding, count) of each fact repeated `FOLD_AT` times
    or more by infos)."""
    repeats = Counter((f.code, f.fact) for f in findings if f.fact and f.severity == "info")
    many = {key for key, count in repeats.items() if count >= FOLD_AT}
    kept = [f for f in findings if (f.code, f.fact) not in many or f.severity != "info"]
    firsts: dict[tuple[str, str], Finding] = {}
    for f in findings:
        if f.severity == "info" and (f.code, f.fact) in many:
            firsts.setdefault((f.code, f.fact), f)
    return kept, [(first, repeats[key]) for key, first in firsts.items()]


def _folded_lines(first: Finding, count: int, *, color: bool, width: int | None) -> list[str]:
    severity = paint(first.severity, *_SEVERITY_STYLE.get(first.severity, ()), enabled=color)
    return _wrap(f"{count} configs: {severity} {paint(first.code, 'bold', enabled=color)} "
                 f"{first.fact} (-v lists them)", "", INDENT, width)


def finding_lines(finding: Finding, *, color: bool = False, verbose: bool = True,
                  width: int | None = None, in_group: bool = False) -> list[str]:
    """The lines of one finding (the interactive review shows them `verbose`). `in_group`:
    under its file's header, so the place is `line:col` alone."""
    where = str(finding.location)
    if in_group:
        place = finding.location
        plain_file = not place.path.startswith("<")
        where = (f"{place.line}:{place.column or 1}" if place.line and plain_file
                 else where if not plain_file else "-")
    if verbose:
        first, *rest = finding.message.splitlines() or [""]
    else:
        first, rest = finding.short, []
    severity = paint(finding.severity, *_SEVERITY_STYLE.get(finding.severity, ()), enabled=color)
    head = (f"{paint(where, 'bold', enabled=color)}: {severity} "
            f"{paint(finding.code, 'bold', enabled=color)}")
    lines = _wrap(f"{head} {first}", "  " if in_group else "", INDENT, width)
    for line in rest:
        lines.extend(_wrap(line, INDENT, INDENT * 2, width))
    runs = dict(finding.data).get("runs")
    if not verbose and isinstance(runs, list) and runs:
        # a finding in a file several runs read: which runs (the detail lists them in full)
        more = f"; and {len(runs) - 2} more" if len(runs) > 2 else ""
        lines.extend(_wrap(f"from: {'; '.join(map(str, runs[:2]))}{more}", INDENT, INDENT * 2,
                           width))
    if finding.fix is not None:
        lines.extend(_fix_lines("fix", finding.fix, color, verbose, width,
                                others=0 if verbose else len(finding.alternatives)))
    if verbose:
        for alternative in finding.alternatives:
            lines.extend(_fix_lines("alternative", alternative, color, verbose, width))
        for place in finding.related:
            lines.extend(_wrap(f"{paint('note:', 'dim', enabled=color)} {place}", INDENT,
                               INDENT * 2, width))
    return lines


def _fix_lines(label: str, fix: Fix, color: bool, verbose: bool, width: int | None, *,
               others: int = 0) -> list[str]:
    head = paint(f"{label} ({fix.safety}):", *_SAFETY_STYLE.get(fix.safety, ()), enabled=color)
    first, *rest = (fix.full_title if verbose else fix.title).splitlines() or [""]
    hidden = [f"{others} other fix{'es' if others > 1 else ''}"] if others else []
    if fix.command and not verbose:
        hidden.insert(0, "the command")
    if fix.note and not verbose:
        hidden.append("a note")
    more = f" (-v: {'; '.join(hidden)})" if hidden else ""
    lines = _wrap(f"{head} {first}{more}", INDENT, INDENT * 2, width)
    if verbose:
        for line in rest:
            lines.extend(_wrap(line, INDENT * 2, INDENT * 3, width))
        if fix.reason:
            why = _wrap(f"{fix.safety} because: {fix.reason}", INDENT * 2, INDENT * 3, width)
            lines.extend(paint(line, "dim", enabled=color) for line in why)
    return lines


def _wrap(text: str, indent: str, subsequent: str, width: int | None) -> list[str]:
    """`text` after `indent`, wrapped to `width` visible columns between words (a path or any
    other word longer than the line stays whole; colour codes take no room), further lines
    after `subsequent`; one line without a width."""
    line = indent + text
    if not width or _visible(line) <= width:
        return [line]
    lines: list[str] = []
    current = indent
    for word in text.split(" "):
        joined = f"{current} {word}" if current.strip() else current + word
        if _visible(joined) > width and current.strip():
            lines.append(current)
            current = subsequent + word
        else:
            current = joined
    lines.append(current)
    return lines


def _visible(text: str) -> int:
    """Columns `text` takes on a terminal: ANSI colour codes take none."""
    return len(_ANSI.sub("", text)) if "\x1b" in text else len(text)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(summary: Summary, *, color: bool = False,
                 codes: Counter[str] | None = None) -> str:
    """`N errors, N warnings, N infos (QF104 89, ...); N fixable with --apply[, N more with
    --interactive]`, naming the most frequent codes.

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
    if codes and len(codes) > 1 and max(codes.values()) > 1:
        top = sorted(codes.items(), key=lambda item: (-item[1], item[0]))[:TOP_CODES]
        more = ", ..." if len(codes) > TOP_CODES else ""
        counts += " (" + ", ".join(f"{code} {n}" for code, n in top) + more + ")"
    fixes = []
    if summary.fixable:
        fixes.append(paint(f"{summary.fixable} fixable with --apply", "green", enabled=color))
    if summary.fixable_unsafe:
        more = "more" if summary.fixable else "fixable"
        fixes.append(f"{summary.fixable_unsafe} {more} with --interactive")
    not_checked = f"; {summary.unchecked} not checked" if summary.unchecked else ""
    return counts + ("; " + ", ".join(fixes) if fixes else "") + not_checked
