"""The findings of every run a request names: configs paired with their slim configs, checked
by the engine (and `--deep`), every finding through the gate; what could not be checked becomes
a finding (QF000, QF002, QF003) rather than a silent gap."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qatfix.config.kind import kind_of
from qatfix.run.engine import check, is_act_run
from qatfix.errors import ConfigError, QatfixError, UsageError
from qatfix.findings import Finding
from qatfix.run.gate import Gate, order, same_finding_and_fix, unique
from qatfix.run.progress import Progress
from qatfix.run.request import CheckRequest, expand
from qatfix.run.shared_edits import SharedEdits
from qatfix.run.unchecked import UNREADABLE, NOT_UNDERSTOOD, deep_not_run, unchecked_file, unreadable
from qatfix.run.plan import plan

#: (config, slim config, ACT reader config) of one run
RunKey = tuple[str, "str | None", "str | None"]


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

    @property
    def failures(self) -> int:
        """Runs that could not be checked fully (exit code 2 after the report)."""
        return self.unreadable + self.deep_failed

    def __iter__(self) -> Iterator[Any]:  # `findings, failures = collect(request)`
        return iter((list(self.findings), self.failures))


def plan_runs(request: CheckRequest) -> tuple[list[RunKey], list[Finding]]:
    """The (config, slim, reader) runs to check, and QF002 findings for files that cannot be
    checked.

    `-c CONFIG` and `--slim_config` name one run exactly (with the request's ACT reader); named
    files and folders are checked through the pairs they take part in (`qatfix.run.plan`), an ACT
    config with the reader config named with it."""
    paths = request.targets()
    if request.step == "deploy":  # a pasted inference or conversion command: one run
        return [(paths[0], None, None)], []
    if request.explicit:
        runs: list[RunKey] = []
        unchecked: list[Finding] = []
        for path in expand(paths):
            if kind_of(path) == "other":
                finding = unchecked_file(path)
                if finding is not None:
                    unchecked.append(finding)
                    continue
            runs.append((path, request.slim, request.reader))
        return runs, unchecked

    planned = plan(expand(paths))
    return ([(r.config, r.slim, r.reader or request.reader) for r in planned.runs],
            list(planned.unchecked))


def _run_label(config: str, slim: str | None, reader: str | None = None) -> str:
    if reader:
        return f"run_det.py --config {reader} --act_config_path {config}"
    return f"-c {config}" + (f" --slim_config {slim}" if slim else "")


def _check(request: CheckRequest, config: str, slim: str | None, reader: str | None,
           **deep: Any) -> list[Finding]:
    """The engine's findings for one run of the request (`deep`: what `--deep` adds to it)."""
    return check(config, slim, request.options, online=request.online, select=request.select,
                 ignore=request.ignore, dropped_options=request.dropped_options,
                 step=request.step, gpus=request.gpus, reader=reader,
                 pasted=request.pasted, **deep)


def with_deep(request: CheckRequest, config: str, slim: str | None, reader: str | None,
              found: list[Finding], gate: Gate, progress: Progress) -> tuple[list[Finding], bool]:
    """Static findings with the `--deep` ones (through the same gate); QF003 (and the static
    ones) when deep fails."""
    from qatfix.deep.download import cache_root  # the paddle boundary: --deep only

    if is_act_run(config, slim, request.options, request.step):
        return with_deep_program(request, config, reader, found, gate, progress,
                                 str(cache_root()))
    from qatfix.run.deep_findings import deep_findings, one_figure  # --deep only

    progress.show(f"--deep {config}: importing paddle, building the model, reading weights...")
    try:
        exact = gate.admit(deep_findings(config, slim, request.options, request.offline,
                                         request.step))
    except ConfigError:
        raise  # a file qatfix refuses to read (a hostile checkpoint) is bad input, as statically
    except QatfixError as exc:
        failed = deep_not_run(exc, config, slim, request.offline, str(cache_root()))
        return found + gate.admit([failed]), False
    replaced = {f.code for f in exact if f.code == "QF501"}
    static, exact = one_figure([f for f in found if f.code not in replaced], exact)
    return order(static + exact), True


def with_deep_program(request: CheckRequest, config: str, reader: str | None,
                      found: list[Finding], gate: Gate, progress: Progress,
                      cache: str) -> tuple[list[Finding], bool]:
    """An ACT run checked again by the same rules, with its exported program as paddle loads it
    in place of the static model.json read; QF003 (and the static findings) when there is
    nothing to load or paddle cannot load it."""
    from qatfix.deep.act_program import program_of_run  # the paddle boundary: --deep only

    progress.show(f"--deep {config}: loading the exported program with paddle...")
    try:
        return _check(request, config, None, reader, read_program=program_of_run), True
    except QatfixError as exc:
        failed = deep_not_run(exc, config, None, request.offline, cache)
        return found + gate.admit([failed]), False


def collect(request: CheckRequest) -> Collected:
    """Findings for every run; unreadable configs and failed `--deep` runs become findings."""
    runs, unchecked = plan_runs(request)
    gate = Gate.of(request.select, request.ignore)
    unchecked = gate.admit(unchecked)
    progress = Progress(request.report_format)
    per_run: list[tuple[RunKey, list[Finding]]] = []
    failures = deep_failed = 0
    shared = SharedEdits((config, slim) for config, slim, reader in runs if not reader)
    for index, (config, slim, reader) in enumerate(runs, start=1):
        if len(runs) > 1:
            progress.show(f"[{index}/{len(runs)}] {config}")
        try:
            found = _check(request, config, slim, reader)
            if request.deep:
                found, ran = with_deep(request, config, slim, reader, found, gate, progress)
                deep_failed += not ran
        except UsageError:
            progress.clear()
            raise
        except QatfixError as exc:  # the config cannot be read: a finding, in every format
            failures += 1
            per_run.append(((config, slim, reader), [unreadable(exc, config)]))
            continue
        found = [shared.judge(f) for f in found]
        per_run.append(((config, slim, reader), found))
    progress.clear()
    findings = order(unique([*(f for _, fs in per_run for f in fs), *unchecked],
                            same_finding_and_fix))
    shown = findings if request.explicit else order(unique([*group_by_run(per_run), *unchecked]))
    return Collected(tuple(findings), failures, deep_failed, len(runs) - failures, tuple(shown))


def group_by_run(per_run: Sequence[tuple[RunKey, Sequence[Finding]]]) -> list[Finding]:
    """One finding per place, message and fix, naming the run(s) it came from when it lies in
    a file shared by several runs (a slim config or a base)."""
    groups: dict[object, tuple[Finding, list[str]]] = {}
    for (config, slim, reader), found in per_run:
        for f in found:
            first, labels = groups.setdefault(same_finding_and_fix(f), (f, []))
            label = _run_label(config, slim, reader)
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
