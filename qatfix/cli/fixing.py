"""`--diff` and `--apply`: show or write the verified fixes, then report what remains.

Verification, writing and the re-check are `qatfix.run.fixes`; this module only prints. Exit
codes as ruff: 0 when nothing remains, 1 when findings remain (or, with `--diff`, a fix would
change a file), 2 when a config could not be checked.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

from qatfix.edit.diff import unified_diff
from qatfix.edit.plan import DROPPED_COMMENT
from qatfix.run.gate import exit_code
from qatfix.report import want_color
from qatfix.report.output import report, shown_path
from qatfix.run import fixes
from qatfix.run.commands import new_commands
from qatfix.run.collect import Collected
from qatfix.run.request import CheckRequest
from qatfix.findings import Finding


def report_rejections(verdicts: Sequence[fixes.Verdict]) -> None:
    for v in verdicts:
        if not v.accepted:
            loc = v.finding.location
            print(f"qatfix: not applied: {v.fix.title} ({v.finding.code} at {loc}): {v.reason}",
                  file=sys.stderr)


def corrected_commands(findings: Sequence[Finding], unsafe: bool) -> list[str]:
    """The corrected command lines of findings on a pasted command (fixes that edit no file):
    what `--diff` and `--apply` print, since there is nothing to write."""
    lines: list[str] = []
    for finding in findings:
        fix = finding.fix
        if fix is not None and fix.command_only and (unsafe or fix.safety == "safe") \
                and fix.command not in lines:
            lines.append(fix.command)
    return lines


def apply_or_diff(request: CheckRequest, collected: Collected, *, diff: bool, unsafe: bool,
                  fail_on: str, fmt: str, verbose: bool = False) -> int:
    findings = list(collected.findings)
    for line in corrected_commands(findings, unsafe):
        print(f"run instead: {line}", file=sys.stderr)
    sources = fixes.sources_of(fixes.edited_paths(findings, unsafe))
    texts, verdicts = fixes.verify(findings, request.slim, request.options, unsafe,
                                   deep=request.deep, step=request.step)
    report_rejections(verdicts)
    if diff:
        changed = fixes.changed_texts(texts, sources)
        color = want_color(sys.stdout)
        for path, text in sorted(changed.items()):
            sys.stdout.write(unified_diff(shown_path(path), sources[path].text, text, color=color))
        for line in new_commands(verdicts, request):
            print(f"run with: {line}", file=sys.stderr)
        if collected.failures:
            return 2
        return 1 if changed or exit_code(findings, fail_on) else 0
    done = fixes.write_and_recheck(request, sources, texts, verdicts, follow_new_slim=False)
    for path in done.written:
        print(f"fixed {shown_path(path)}", file=sys.stderr)
    remaining = list(done.after.shown)
    if done.accepted:
        print(f"applied {done.accepted} fix{'es' if done.accepted != 1 else ''}", file=sys.stderr)
    for v in done.verdicts:
        if v.accepted and DROPPED_COMMENT in v.fix.note:
            print(f"note: {shown_path(v.fix.edits[0].path)}:{v.fix.edits[0].start_line} "
                  f"{v.fix.note[v.fix.note.index(DROPPED_COMMENT):]}", file=sys.stderr)
    for line in new_commands(done.verdicts, request):
        print(f"run with: {line}", file=sys.stderr)
    if remaining:
        sys.stdout.write(report(remaining, fmt, verbose=verbose))
    if collected.failures or done.after.failures:
        return 2
    return exit_code(remaining, fail_on)
