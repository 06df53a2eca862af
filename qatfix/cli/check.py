"""`qatfix check` (the default command): report findings, show or apply their fixes.

Accepts the flags of ppdet's tools/train.py (`-c`, `--slim_config`, `-o`) so a user can paste
their command line. A folder checks every config in it that is not only a base.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from qatfix.cli.common import add_config_arguments
from qatfix.errors import QatfixError, UsageError
from qatfix.findings import SEVERITY_RANK, Finding

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


def _codes(text: str) -> list[str]:
    return [c for c in (p.strip() for p in text.split(",")) if c]


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

            found.extend(configs_in(path))
        else:
            found.append(path)
    return found


def _progress(index: int, total: int, path: str) -> None:
    if total > 1 and sys.stderr.isatty():
        sys.stderr.write(f"\r\033[K[{index}/{total}] {path[-60:]}")
        sys.stderr.flush()


def collect(args: argparse.Namespace) -> tuple[list[Finding], int]:
    """Findings for every target, and how many targets could not be read."""
    from qatfix.engine import check

    targets = expand(_targets(args))
    findings: list[Finding] = []
    failures = 0
    for index, config in enumerate(targets, start=1):
        _progress(index, len(targets), config)
        try:
            found = check(config, args.slim_config, args.opt, online=args.online,
                          select=_codes(args.select), ignore=_codes(args.ignore))
            if args.deep:
                from qatfix.cli.deep_check import deep_findings

                exact = deep_findings(config, args.slim_config, args.opt, args.offline,
                                      _codes(args.select), _codes(args.ignore))
                replaced = {f.code for f in exact if f.code == "QF501"}
                found = [f for f in found if f.code not in replaced] + exact
            findings.extend(found)
        except QatfixError as exc:
            if len(targets) == 1:
                raise
            failures += 1
            if sys.stderr.isatty():
                sys.stderr.write("\r\033[K")  # clear the progress line
            print(f"qatfix: error: {exc}", file=sys.stderr)
    if len(targets) > 1 and sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    from qatfix.engine import sort_findings

    return sort_findings(findings), failures


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
        rules = {code: (rule.summary, rule.explanation) for code, rule in all_rules().items()}
        return render(fmt, shown, root=os.getcwd(), rules=rules)
    return render(fmt, shown)


def run(args: argparse.Namespace) -> int:
    if args.interactive:
        from qatfix.interactive import run_interactive

        return run_interactive(args)
    findings, failures = collect(args)
    if args.diff or args.apply:
        from qatfix.cli.fixing import apply_or_diff

        return apply_or_diff(args, findings, failures)
    sys.stdout.write(report(findings, args.format))
    if failures:
        return 2
    return _exit_code(findings, args.fail_on)
