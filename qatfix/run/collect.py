"""The findings of every run a request names: the one loop of `qatfix check`, the pre-commit
hooks and `qatfix review`. The runs come from `qatfix.run.plan` (configs paired with their slim
configs, ACT configs with their readers), each is checked by the engine (and `--deep`), every
safe fix is judged against the other runs that read what it edits, every finding passes the
gate; what could not be checked becomes a finding (QF000, QF002, QF003) rather than a silent
gap."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qatfix.run.engine import check as engine_check, is_act_run
from qatfix.errors import ConfigError, QatfixError, UsageError
from qatfix.findings import Finding
from qatfix.run.gate import Gate, order, same_finding_and_fix, unique
from qatfix.run.progress import Progress
from qatfix.run.request import CheckRequest
from qatfix.run.shared_edits import SharedEdits
from qatfix.run.unchecked import UNREADABLE, NOT_UNDERSTOOD, deep_not_run, unreadable
from qatfix.run.plan import Run, plan

#: what checks one run: the rules engine (`qatfix.run.engine.check`), or what stands in for it
Checker = Callable[[Run, CheckRequest], list[Finding]]


@dataclass(frozen=True)
class Collected:
    """Findings of every run, and what could not be checked."""

    #: as the rules made them (what fixes are verified against)
    findings: tuple[Finding, ...]
    #: runs whose config could not be read (QF000 findings)
    unreadable: int = 0
    #: runs where `--deep` could not run (QF003 findings)
    deep_failed: int = 0
    #: runs checked (readable configs)
    checked: int = 0
    #: as reported: a finding in a file several runs share once, naming those runs
    shown: tuple[Finding, ...] = ()
    #: the runs planned, in the order they were checked
    runs: tuple[Run, ...] = ()
    #: each run's findings in run order, then what was not checked (what a pull-request review
    #: places, itself keeping the first of each)
    in_run_order: tuple[Finding, ...] = ()

    @property
    def failures(self) -> int:
        """Runs that could not be checked fully (exit code 2 after the report)."""
        return self.unreadable + self.deep_failed

    def __iter__(self) -> Iterator[Any]:  # `findings, failures = collect(request)`
        return iter((list(self.findings), self.failures))


def with_deep(request: CheckRequest, run: Run, found: list[Finding], gate: Gate,
              progress: Progress) -> tuple[list[Finding], bool]:
    """Static findings with the `--deep` ones (through the same gate); QF003 (and the static
    ones) when deep fails."""
    from qatfix.deep.download import cache_root  # the paddle boundary: --deep only

    if is_act_run(run.config, run.slim, request.options, request.step):
        return with_deep_program(request, run, found, gate, progress, str(cache_root()))
    from qatfix.run.deep_findings import deep_findings, one_figure  # --deep only

    progress.show(f"--deep {run.config}: importing paddle, building the model, reading weights...")
    try:
        exact = gate.admit(deep_findings(run.config, run.slim, request.options, request.offline,
                                         request.step))
    except ConfigError:
        raise  # a file qatfix refuses to read (a hostile checkpoint) is bad input, as statically
    except QatfixError as exc:
        failed = deep_not_run(exc, run.config, run.slim, request.offline, str(cache_root()))
        return found + gate.admit([failed]), False
    replaced = {f.code for f in exact if f.code == "QF501"}
    static, exact = one_figure([f for f in found if f.code not in replaced], exact)
    return order(static + exact), True


def with_deep_program(request: CheckRequest, run: Run, found: list[Finding], gate: Gate,
                      progress: Progress, cache: str) -> tuple[list[Finding], bool]:
    """An ACT run checked again by the same rules, with its exported program as paddle loads it
    in place of the static model.json read; QF003 (and the static findings) when there is
    nothing to load or paddle cannot load it."""
    from qatfix.deep.act_program import program_of_run  # the paddle boundary: --deep only

    progress.show(f"--deep {run.config}: loading the exported program with paddle...")
    try:
        return engine_check(replace(run, slim=None), request, read_program=program_of_run), True
    except QatfixError as exc:
        failed = deep_not_run(exc, run.config, None, request.offline, cache)
        return found + gate.admit([failed]), False


def collect(request: CheckRequest, check: Checker = engine_check) -> Collected:
    """Findings for every run `qatfix.run.plan` plans for `request` (files named to `qatfix
    check` or the pre-commit hooks, the changed files of a pull request's checkout), each
    checked by `check`, every safe fix judged against the other runs that read what it edits;
    unreadable configs and failed `--deep` runs become findings."""
    planned = plan(request)
    runs = planned.runs
    gate = Gate.of(request.select, request.ignore)
    unchecked = gate.admit(planned.unchecked)
    progress = Progress(request.report_format)
    per_run: list[tuple[Run, list[Finding]]] = []
    failures = deep_failed = 0
    # a safe fix stays safe only when no other run that reads the file it edits gets worse
    shared = SharedEdits(((run.config, run.slim) for run in runs if not run.reader),
                         root=request.root)
    for index, run in enumerate(runs, start=1):
        if len(runs) > 1:
            progress.show(f"[{index}/{len(runs)}] {run.config}")
        try:
            found = check(run, request)
            if request.deep:
                found, ran = with_deep(request, run, found, gate, progress)
                deep_failed += not ran
        except UsageError:
            progress.clear()
            raise
        except QatfixError as exc:  # the config cannot be read: a finding, in every format
            failures += 1
            per_run.append((run, [unreadable(exc, run.config)]))
            continue
        found = [shared.judge(f) for f in found]
        per_run.append((run, found))
    progress.clear()
    made = [f for _, fs in per_run for f in fs]
    findings = order(unique([*made, *unchecked], same_finding_and_fix))
    shown = findings if request.explicit else order(unique([*group_by_run(per_run), *unchecked]))
    return Collected(tuple(findings), failures, deep_failed, len(runs) - failures, tuple(shown),
                     runs, (*made, *unchecked))


def group_by_run(per_run: Sequence[tuple[Run, Sequence[Finding]]]) -> list[Finding]:
    """One finding per place, message and fix, naming the run(s) it came from when it lies in
    a file shared by several runs (a slim config or a base)."""
    groups: dict[object, tuple[Finding, list[str]]] = {}
    for run, found in per_run:
        for f in found:
            first, labels = groups.setdefault(same_finding_and_fix(f), (f, []))
            label = run.label
            if label not in labels:
                labels.append(label)
    out = []
    for first, labels in groups.values():
        own = first.location.path in (first.config, "") or first.code in (UNREADABLE,
                                                                          NOT_UNDERSTOOD)
        if own and len(labels) == 1:
            out.append(first)
            continue
        shown = "; ".join(labels[:3]) + (f"; and {len(labels) - 3} more" if len(labels) > 3 else "")
        out.append(replace(first, message=f"{first.message}\nfrom: {shown}",
                           data=(*first.data, ("runs", list(labels)))))
    return out
