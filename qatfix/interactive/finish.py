"""The end of a review: verify the chosen fixes, write each file once, say what changed, re-check.

Verification and writing are those of `--apply` (`qatfix.run.fixes`): a fix is kept only if its
finding is gone and no new error appears, and a file changed since it was read is not written.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import AbstractSet

from qatfix.edit.apply import SourceFile
from qatfix.findings import Finding, Fix
from qatfix.run.gate import exit_code
from qatfix.interactive.display import decision_lines
from qatfix.interactive.flow import Review
from qatfix.report.output import report, shown_path
from qatfix.run.collect import collect
from qatfix.run.fixes import Verdict, verify_fixes, write_and_recheck
from qatfix.run.request import CheckRequest
from qatfix.run.commands import new_commands


def rejections(review: Review, verdicts: Sequence[Verdict]) -> dict[int, str]:
    """Decision index -> why its fix was not applied (verdicts follow `review.chosen`)."""
    applied = [i for i, d in enumerate(review.decisions)
               if d.fix is not None and d.outcome in ("applied", "applied-with-rest")]
    return {index: verdict.reason for index, verdict in zip(applied, verdicts)
            if not verdict.accepted}


def finish(request: CheckRequest, fail_on: str, review: Review,
           sources: Mapping[str, SourceFile], findings: Sequence[Finding], failures: int,
           forced: AbstractSet[Fix] = frozenset()) -> int:
    print()
    if not review.chosen:
        for line in decision_lines(review.decisions, {}, shown_path):
            print(line)
        print("nothing changed")
        return 2 if failures else exit_code(findings, fail_on)
    texts, verdicts = verify_fixes(review.chosen, request.slim, request.options, forced,
                                   deep=request.deep, step=request.step)
    done = write_and_recheck(request, sources, texts, verdicts)
    for line in decision_lines(review.decisions, rejections(review, verdicts), shown_path):
        print(line)
    for path in done.written:
        print(f"{'created' if path in done.created else 'wrote'} {shown_path(path)}")
    accepted = [v for v in verdicts if v.accepted]
    # the slim configs the run names after its fixes: a new file, or one to run with instead
    new_slims = [v.fix.slim_config for v in accepted
                 if v.fix.slim_config and (v.fix.slim_config in done.created or not v.fix.edits)]
    for line in new_commands(accepted, request):
        print(f"run with: {line}")
    if not done.written:
        print("nothing changed")
    heading = "re-check:"
    after = done.after
    if new_slims:
        heading = f"re-check with --slim_config {shown_path(new_slims[-1] or '')}:"
        if new_slims[-1] not in done.created:
            after = collect(request.with_slim(new_slims[-1]))
    remaining = list(after.findings)
    print(f"\n{heading}")
    sys.stdout.write(report(remaining, "text"))
    if failures or after.failures:
        return 2
    return exit_code(remaining, fail_on)
