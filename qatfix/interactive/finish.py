"""The end of a review: verify the chosen fixes, write each file once, say what changed, re-check.

Verification and writing are those of `--apply` (`qatfix.cli.fixing`): a fix is kept only if its
finding is gone and no new error appears, and a file changed since it was read is not written.
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, AbstractSet, Mapping, Sequence

from qatfix.findings import Finding, Fix
from qatfix.interactive.flow import Review

if TYPE_CHECKING:
    from qatfix.cli.fixing import Verdict
    from qatfix.edit.apply import SourceFile


def rejections(review: Review, verdicts: Sequence["Verdict"]) -> dict[int, str]:
    """Decision index -> why its fix was not applied (verdicts follow `review.chosen`)."""
    applied = [i for i, d in enumerate(review.decisions)
               if d.fix is not None and d.outcome in ("applied", "applied-with-rest")]
    return {index: verdict.reason for index, verdict in zip(applied, verdicts)
            if not verdict.accepted}


def finish(args: argparse.Namespace, review: Review, sources: Mapping[str, "SourceFile"],
           findings: Sequence[Finding], failures: int, forced: AbstractSet[Fix] = frozenset()
           ) -> int:
    from qatfix.cli.check import _exit_code, collect, display_path, report
    from qatfix.cli.fixing import verify_fixes
    from qatfix.edit.apply import write_all
    from qatfix.interactive.display import decision_lines

    print()
    if not review.chosen:
        for line in decision_lines(review.decisions, {}, display_path):
            print(line)
        print("nothing changed")
        return 2 if failures else _exit_code(findings, args.fail_on)
    texts, verdicts = verify_fixes(review.chosen, args.slim_config, args.opt, forced)
    changed = {path: text for path, text in texts.items() if text != sources[path].text}
    written = write_all(sources, changed)
    for line in decision_lines(review.decisions, rejections(review, verdicts), display_path):
        print(line)
    created = {path for path in written if not sources[path].exists}
    for path in written:
        print(f"{'created' if path in created else 'wrote'} {display_path(path)}")
    new_slims = [fix.slim_config for _, fix in review.chosen if fix.slim_config in created]
    for slim in new_slims:
        print(f"run with: tools/train.py -c {args.config} --slim_config {display_path(slim or '')}")
    if not written:
        print("nothing changed")
    heading = "re-check:"
    if new_slims:
        args = argparse.Namespace(**{**vars(args), "slim_config": new_slims[-1]})
        heading = f"re-check with --slim_config {display_path(new_slims[-1] or '')}:"
    remaining, failures_after = collect(args)
    print(f"\n{heading}")
    sys.stdout.write(report(remaining, "text"))
    if failures or failures_after:
        return 2
    return _exit_code(remaining, args.fail_on)
