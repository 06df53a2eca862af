"""`--diff` and `--apply`: show or write the verified fixes, then report what remains.

Verification, writing and the re-check are `qatfix.run.fixes`; this module only prints. Exit
codes as ruff: 0 when nothing remains, 1 when findings remain (or, with `--diff`, a fix would
change a file), 2 when a config could not be checked.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

from qatfix.config import resolve
from qatfix.edit.diff import unified_diff
from qatfix.engine import slim_mode
from qatfix.errors import QatfixError
from qatfix.gate import exit_code
from qatfix.report import want_color
from qatfix.report.output import report, shown_path
from qatfix.rules.commands import command_line
from qatfix.run import fixes
from qatfix.run.collect import Collected
from qatfix.run.request import CheckRequest


def report_rejections(verdicts: Sequence[fixes.Verdict]) -> None:
    for v in verdicts:
        if not v.accepted:
            loc = v.finding.location
            print(f"qatfix: not applied: {v.fix.title} ({v.finding.code} at {loc}): {v.reason}",
                  file=sys.stderr)


def new_commands(verdicts: Sequence[fixes.Verdict], request: CheckRequest) -> list[str]:
    """The command lines of runs whose applied fix changes the slim config they name."""
    lines = []
    for v in verdicts:
        slim = v.fix.slim_config
        if not v.accepted or not slim or slim == (v.finding.slim or request.slim):
            continue
        try:
            mode = slim_mode(resolve(slim))
        except QatfixError:
            mode = "train"
        line = command_line(request.step, mode, v.finding.config, slim,
                            " ".join(request.options))
        if line not in lines:
            lines.append(line)
    return lines


def apply_or_diff(request: CheckRequest, collected: Collected, *, diff: bool, unsafe: bool,
                  fail_on: str, fmt: str) -> int:
    findings = list(collected.findings)
    sources = fixes.sources_of(fixes.edited_paths(findings, unsafe))
    texts, verdicts = fixes.verify(findings, request.slim, request.options, unsafe,
                                   deep=request.deep, step=request.step)
    report_rejections(verdicts)
    if diff:
        changed = fixes.changed_texts(texts, sources)
        color = want_color(sys.stdout)
        for path, text in sorted(changed.items()):
            sys.stdout.write(unified_diff(shown_path(path), sources[path].text, text, color=color))
        if collected.failures:
            return 2
        return 1 if changed or exit_code(findings, fail_on) else 0
    done = fixes.write_and_recheck(request, sources, texts, verdicts, follow_new_slim=False)
    for path in done.written:
        print(f"fixed {shown_path(path)}", file=sys.stderr)
    remaining = list(done.after.shown)
    if done.accepted:
        print(f"applied {done.accepted} fix{'es' if done.accepted != 1 else ''}", file=sys.stderr)
    for line in new_commands(done.verdicts, request):
        print(f"run with: {line}", file=sys.stderr)
    if remaining:
        sys.stdout.write(report(remaining, fmt))
    if collected.failures or done.after.failures:
        return 2
    return exit_code(remaining, fail_on)
