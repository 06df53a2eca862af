"""QF401: a key defined twice in one mapping (PyYAML, and so ppdet, silently keeps the last)."""
from __future__ import annotations

from typing import Iterator

from qatfix.findings import Location
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext


def check(ctx: CheckContext) -> Iterator[Issue]:
    for path in ctx.resolved.unique_files:
        document = ctx.resolved.documents[path]
        for dup in document.duplicates:
            dotted = ".".join(str(k) for k in dup.key_path)
            yield Issue(
                message=(f"duplicate key {dotted}: ppdet keeps only the definition at line "
                         f"{dup.last.line}; this one is silently ignored"),
                location=Location(path, dup.first.line, dup.first.column),
                related=(Location(path, dup.last.line, dup.last.column),),
                fixes=(PlannedFix(f"Delete the ignored first definition of {dotted}", "safe",
                                  (Change.delete(dup.key_path, path=path, occurrence=0),)),),
            )


RULES = (Rule(
    code="QF401", name="duplicate-key", severity="warning",
    summary="A key is defined twice in one mapping; only the last definition counts.",
    explanation=(
        "ppdet reads configs with PyYAML, which accepts a mapping that defines the same key twice "
        "and silently keeps the last value. Whoever edits the first definition later sees no "
        "effect. Example: `epoch: 300` near the top and `epoch: 50` further down; training runs 50 "
        "epochs."),
    fix_safety="safe: deleting the ignored first definition leaves the effective config unchanged.",
    example=(
        'qatfix configs/example/picodet_epochs.yml\n'
        '# configs/example/picodet_epochs.yml\n'
        '_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n'
        'epoch: 300\n'
        'snapshot_epoch: 10\n'
        'epoch: 50\n'
    ),
    instead=(
        'epoch: 50  (once)'
    ),
    evidence=(
        'ppdet/core/workspace.py reads configs with `yaml.load(f, '
        "Loader=yaml.Loader)`; PyYAML's `BaseConstructor.construct_mapping` "
        'assigns keys in order, so the last duplicate wins.'
    ),
    check=check),)
