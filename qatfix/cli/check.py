"""`qatfix check` (the default command): report findings, show or apply their fixes.

Accepts the flags of ppdet's tools/train.py (`-c`, `--slim_config`, `-o`) so a user can paste
their command line. A folder checks every config in it that is not only a base.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Iterator, Sequence

from qatfix.cli.common import add_config_arguments
from qatfix.errors import QatfixError, UsageError
from qatfix.findings import SEVERITY_RANK, Finding
from qatfix.record import record

FAIL_LEVELS = ("error", "warning", "info")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_arguments(parser, many=True)
    parser.add_argument("--format", default="text",
                        choices=("text", "json", "sarif", "github", "rdjson"),
                        help="report format (default: text)")
    parser.add_argument("--select", default="", metavar="CODES",
                        help="only these rule codes or prefixes, comma-separated (e.g. QF1,QF201)")
    parser.add_argument("--ignore", default="", metavar="CODES",
                        help="skip these rule codes or prefixes, comma-separated")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default="warning",
                        help="lowest severity that makes the exit code 1 (default: warning)")
    parser.add_argument("--online", action="store_true",
                        help="check unknown weight URLs with a HEAD request")
    parser.add_argument("--deep", action="store_true",
                        help="build the model with ppdet and report exactly which weights load "
                             "(needs the [paddle] extra)")
    parser.add_argument("--offline", action="store_true",
                        help="with --deep: never download weights")
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument("--diff", action="store_true", help="print the fixes as a diff, write nothing")
    actions.add_argument("--apply", action="store_true", help="apply safe fixes")
    actions.add_argument("--interactive", "-i", action="store_true",
                         help="review each fix as a diff and confirm it")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --apply/--diff: include unsafe fixes")
    # set from a pasted command line (`qatfix python tools/eval.py -c ...`): the ppdet script
    parser.add_argument("--step", default="train",
                        choices=("train", "eval", "export", "infer", "post_quant", "act"),
                        help=argparse.SUPPRESS)
    # set from a pasted ACT command (`qatfix python run_det.py --config R ...`): its reader
    parser.add_argument("--act-reader", default=None, help=argparse.SUPPRESS)


def _codes(text: str) -> list[str]:
    return [c for c in (p.strip() for p in text.split(",")) if c]


def known_codes() -> list[str]:
    """Every code `--select`/`--ignore` may name: static rules, `--deep` codes, QF000-QF003."""
    from qatfix.deep.explain import SUMMARIES
    from qatfix.rules import all_rules
    from qatfix.unchecked import ENTRIES

    return sorted({*all_rules(), *SUMMARIES, *ENTRIES})


def check_codes(args: argparse.Namespace) -> None:
    """A code or prefix that selects nothing is a typo: it must not pass as "all clear"."""
    codes = None
    for flag, text in (("--select", args.select), ("--ignore", args.ignore)):
        for code in _codes(text):
            codes = codes or known_codes()
            if not any(c.startswith(code.upper()) for c in codes):
                import difflib

                close = difflib.get_close_matches(code.upper(), codes, n=1)
                hint = f"; did you mean {close[0]}?" if close else "; `qatfix explain` lists them"
                raise UsageError(f"{flag}: unknown rule code {code!r}{hint}")


def _targets(args: argparse.Namespace) -> list[str]:
    paths = list(args.paths or [])
    if args.config:
        paths.insert(0, args.config)
    if not paths:
        raise UsageError("give a config: qatfix CONFIG or qatfix -c CONFIG --slim_config SLIM")
    if args.slim_config and len(paths) != 1:
        raise UsageError("--slim_config goes with exactly one model config")
    return paths


def expand(paths: Sequence[str]) -> list[str]:
    """Folders become the configs in them that are not only bases."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            from qatfix.discover import configs_in

            inside = configs_in(path)
            if not inside:
                raise UsageError(f"{path}: no .yml or .yaml configs in this folder")
            found.extend(inside)
        else:
            found.append(path)
    return found


def plan_runs(args: argparse.Namespace) -> tuple[list[tuple[str, str | None]], list[Finding]]:
    """The (config, slim) runs to check, and QF002 findings for files that cannot be checked.

    `-c CONFIG` and `--slim_config` name one run exactly; named files and folders are checked
    through the pairs they take part in (`qatfix.runs`)."""
    paths = _targets(args)
    if args.config or args.slim_config:
        from qatfix.config.kind import kind_of

        runs: list[tuple[str, str | None]] = []
        unchecked: list[Finding] = []
        for path in expand(paths):
            if kind_of(path) == "other":
                from qatfix.unchecked import unchecked_file

                finding = unchecked_file(path)
                if finding is not None:
                    unchecked.append(finding)
                    continue
            runs.append((path, args.slim_config))
        return runs, unchecked
    from qatfix.runs import plan

    planned = plan(expand(paths))
    return [(r.config, r.slim) for r in planned.runs], list(planned.unchecked)


@record
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

    def __iter__(self) -> Iterator[Any]:  # `findings, failures = collect(args)`
        return iter((list(self.findings), self.unreadable + self.deep_failed))


def _run_label(config: str, slim: str | None) -> str:
    return f"-c {config}" + (f" --slim_config {slim}" if slim else "")


def _deep(args: argparse.Namespace, config: str, slim: str | None, found: list[Finding],
          progress: Any) -> tuple[list[Finding], bool]:
    """Static findings with the `--deep` ones; QF003 (and the static ones) when deep fails."""
    from qatfix.cli.deep_check import deep_findings
    from qatfix.deep.download import cache_root
    from qatfix.unchecked import deep_not_run

    progress.show(f"--deep {config}: importing paddle, building the model, reading weights...")
    try:
        exact = deep_findings(config, slim, args.opt, args.offline,
                              _codes(args.select), _codes(args.ignore))
    except QatfixError as exc:
        return found + [deep_not_run(exc, config, slim, args.offline, str(cache_root()))], False
    replaced = {f.code for f in exact if f.code == "QF501"}
    return [f for f in found if f.code not in replaced] + exact, True


def collect(args: argparse.Namespace) -> Collected:
    """Findings for every run; unreadable configs and failed `--deep` runs become findings."""
    from qatfix.cli.common import dropped_options
    from qatfix.engine import check
    from qatfix.unchecked import unreadable

    runs, unchecked = plan_runs(args)
    from qatfix.cli.progress import Progress

    progress = Progress(getattr(args, "format", "text"))
    per_run: list[tuple[tuple[str, str | None], list[Finding]]] = []
    failures = deep_failed = 0
    step = getattr(args, "step", "train")
    for index, (config, slim) in enumerate(runs, start=1):
        if len(runs) > 1:
            progress.show(f"[{index}/{len(runs)}] {config}")
        try:
            found = check(config, slim, args.opt, online=args.online,
                          select=_codes(args.select), ignore=_codes(args.ignore),
                          dropped_options=dropped_options(args), step=step,
                          reader=getattr(args, "act_reader", None))
        except QatfixError as exc:
            if len(runs) == 1 and not unchecked:
                progress.clear()
                raise
            failures += 1
            per_run.append(((config, slim), [unreadable(exc, config)]))
            continue
        if args.deep:
            found, ran = _deep(args, config, slim, found, progress)
            deep_failed += not ran
        per_run.append(((config, slim), found))
    progress.clear()
    from qatfix.engine import sort_findings

    findings = _unique_by_fix([*(f for _, fs in per_run for f in fs), *unchecked])
    explicit = bool(args.config or args.slim_config)
    shown = findings if explicit else sort_findings([*group_by_run(per_run), *unchecked])
    return Collected(tuple(findings), failures, deep_failed, len(runs) - failures, tuple(shown))


def _unique_by_fix(findings: Sequence[Finding]) -> list[Finding]:
    """Sorted as the engine sorts; a finding repeated by several runs is kept once per distinct
    fix, so fixes that disagree on one line are all seen (and refused together)."""
    unique: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        unique.setdefault((f.code, f.location, f.message, f.fix), f)
    return sorted(unique.values(), key=lambda f: (SEVERITY_RANK[f.severity], f.location.path,
                                                  f.location.line, f.code))


def group_by_run(per_run: Sequence[tuple[tuple[str, str | None], Sequence[Finding]]]
                 ) -> list[Finding]:
    """One finding per place, message and fix, naming the run(s) it came from when it lies in
    a file shared by several runs (a slim config or a base)."""
    from dataclasses import replace

    groups: dict[tuple[object, ...], tuple[Finding, list[str]]] = {}
    for (config, slim), found in per_run:
        for f in found:
            key = (f.code, f.location, f.message, f.fix)
            first, labels = groups.setdefault(key, (f, []))
            label = _run_label(config, slim)
            if label not in labels:
                labels.append(label)
    out = []
    for first, labels in groups.values():
        own = first.location.path in (first.config, "") or first.code in ("QF000", "QF002")
        if own and len(labels) == 1:
            out.append(first)
            continue
        shown = "; ".join(labels[:3]) + (f"; and {len(labels) - 3} more" if len(labels) > 3 else "")
        out.append(replace(first, message=f"{first.message}\nfrom: {shown}",
                           data=(*first.data, ("runs", list(labels)))))
    return out


def _exit_code(findings: Sequence[Finding], fail_on: str) -> int:
    limit = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] <= limit for f in findings) else 0


def display_path(path: str) -> str:
    if path.startswith("<"):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith(".." + os.sep + "..") else rel


def report(findings: Sequence[Finding], fmt: str) -> str:
    from dataclasses import replace

    from qatfix.findings import Location
    from qatfix.report import render, want_color
    from qatfix.rules import all_rules

    shown = [replace(f, location=Location(display_path(f.location.path), f.location.line,
                                          f.location.column),
                     related=tuple(Location(display_path(r.path), r.line, r.column)
                                   for r in f.related)) for f in findings]
    if fmt == "text":
        return render("text", shown, color=want_color(sys.stdout))
    if fmt in ("sarif", "rdjson"):
        from qatfix.unchecked import ENTRIES

        rules = {code: (rule.summary, rule.explanation) for code, rule in all_rules().items()}
        rules.update({code: (e[1], e[2]) for code, e in ENTRIES.items()})
        return render(fmt, shown, root=os.getcwd(), rules=rules)
    return render(fmt, shown)


def named_pair(args: argparse.Namespace) -> None:
    """`qatfix MODEL SLIM` (either order) becomes `-c MODEL --slim_config SLIM` for every mode."""
    if args.config or args.slim_config or len(args.paths or []) != 2:
        return
    from qatfix.runs import positional_pair

    pair = positional_pair(args.paths)
    if pair is not None:
        args.config, args.slim_config, args.paths = pair.config, pair.slim, []


def run(args: argparse.Namespace) -> int:
    check_codes(args)
    if args.opt:
        from qatfix.config.options import parse_options

        parse_options(args.opt)  # a malformed -o is a usage error whatever is checked
    named_pair(args)
    if args.interactive:
        from qatfix.interactive import run_interactive

        return run_interactive(args)
    collected = collect(args)
    if args.diff or args.apply:
        from qatfix.cli.fixing import apply_or_diff

        return apply_or_diff(args, list(collected.findings),
                             collected.unreadable + collected.deep_failed)
    sys.stdout.write(report(collected.shown, args.format))
    return final_exit(collected, _exit_code(collected.shown, args.fail_on))


def final_exit(collected: Collected, code: int) -> int:
    """2 (after the report) when a config could not be read, `--deep` could not run, or no
    named file could be checked at all; else the findings' exit code. One line on stderr says
    why."""
    problems = []
    if collected.unreadable:
        problems.append(f"{collected.unreadable} config(s) could not be read (QF000)")
    if collected.deep_failed:
        problems.append(f"--deep could not run for {collected.deep_failed} config(s) (QF003); "
                        "their static findings are shown")
    if not collected.checked:
        problems.append("nothing was checked: no named file is a PaddleDetection model or slim "
                        "config (QF002)")
    if problems:
        print(f"qatfix: error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    return code
