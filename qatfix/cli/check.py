"""`qatfix check` (the default command): report findings, show or apply their fixes.

Accepts the flags of ppdet's tools/train.py (`-c`, `--slim_config`, `-o`) so a user can paste
their command line. A folder checks every config in it that is not only a base.
"""
from __future__ import annotations

import argparse
import sys

from qatfix.cli.common import add_config_arguments, check_named_files, dropped_options
from qatfix.errors import UsageError
from qatfix.run.gate import exit_code, split_codes
from qatfix.report.output import report
from qatfix.rules import all_rules
from qatfix.run.collect import Collected, collect
from qatfix.run.request import CheckRequest
from qatfix.run.unchecked import UNREADABLE
from qatfix.run.plan import positional_act_pair, positional_pair
import json
from qatfix.config.options import parse_options

FAIL_LEVELS = ("error", "warning", "info")

__all__ = ["Collected", "add_arguments", "check_codes", "final_exit", "known_codes",
           "request_from", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_arguments(parser, many=True)
    parser.add_argument("--format", default="text",
                        choices=("text", "json", "sarif", "github", "rdjson"),
                        help="report format (default: text)")
    parser.add_argument("--select", default="", metavar="CODES",
                        help="only these rule codes or prefixes, comma-separated (e.g. QF1,QF201)")
    parser.add_argument("--ignore", default="", metavar="CODES",
                        help="skip these rule codes or prefixes, comma-separated")
    parser.add_argument("-v", "--verbose", "--show-fixes", dest="verbose", action="store_true",
                        help="text report: every finding's whole message and evidence, every "
                             "fix with the reason for its safety, the alternatives, and each "
                             "repeated info listed rather than counted")
    parser.add_argument("--statistics", action="store_true",
                        help="print how many findings each code has (and how many are "
                             "fixable) instead of the findings")
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
                        choices=("train", "eval", "export", "infer", "post_quant", "act",
                                 "deploy"),
                        help=argparse.SUPPRESS)
    # set from a pasted ACT command (`qatfix python run_det.py --config R ...`): its reader
    parser.add_argument("--act-reader", default=None, help=argparse.SUPPRESS)
    # set from a pasted command line: how many GPUs it trains on
    parser.add_argument("--gpus", type=int, default=None, help=argparse.SUPPRESS)
    # set from a pasted command line: the command itself (a JSON list), read with its script's
    # own parser
    parser.add_argument("--pasted", default=None, help=argparse.SUPPRESS)


def known_codes() -> list[str]:
    """Every code `--select`/`--ignore` may name: the whole catalogue."""
    return sorted(all_rules())


def check_codes(args: argparse.Namespace) -> None:
    """A code or prefix that selects nothing is a typo: it must not pass as "all clear"."""
    codes = None
    for flag, text in (("--select", args.select), ("--ignore", args.ignore)):
        for code in (c for c in (p.strip() for p in text.split(",")) if c):
            codes = codes or known_codes()
            if not any(c.startswith(code.upper()) for c in codes):
                import difflib  # a typo only: difflib costs the seed check ~2% of its time

                close = difflib.get_close_matches(code.upper(), codes, n=1)
                hint = f"; did you mean {close[0]}?" if close else "; `qatfix explain` lists them"
                raise UsageError(f"{flag}: unknown rule code {code!r}{hint}")


def request_from(args: argparse.Namespace) -> CheckRequest:
    """The run the arguments ask for, as plain values."""
    return CheckRequest(
        paths=tuple(args.paths or ()), config=args.config, slim=args.slim_config,
        options=tuple(args.opt or ()), dropped_options=dropped_options(args),
        online=args.online, deep=args.deep, offline=args.offline,
        select=split_codes(args.select), ignore=split_codes(args.ignore),
        step=getattr(args, "step", "train"), report_format=getattr(args, "format", "text"),
        gpus=getattr(args, "gpus", None), reader=getattr(args, "act_reader", None),
        pasted=_pasted(getattr(args, "pasted", None)))


def _pasted(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()

    try:
        value = json.loads(text)
    except ValueError:
        raise UsageError("--pasted: not a JSON list of the command's words") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError("--pasted: not a JSON list of the command's words")
    return tuple(value)


def named_pair(args: argparse.Namespace) -> None:
    """`qatfix MODEL SLIM` (either order) becomes `-c MODEL --slim_config SLIM`, and `qatfix
    ACT READER` (either order) the ACT run with that reader, for every mode."""
    if args.config or args.slim_config or len(args.paths or []) != 2:
        return

    pair = positional_pair(args.paths) or positional_act_pair(args.paths)
    if pair is not None:
        args.config, args.slim_config, args.paths = pair.config, pair.slim, []
        if pair.reader:
            args.act_reader = pair.reader


def run(args: argparse.Namespace) -> int:
    check_codes(args)
    if args.opt:
        parse_options(args.opt)  # a malformed -o is a usage error whatever is checked
    named_pair(args)
    check_named_files(args)
    request = request_from(args)
    if args.interactive:
        from qatfix.interactive import run_interactive  # the chosen mode: needs questionary

        return run_interactive(request, args.fail_on)
    collected = collect(request)
    if args.diff or args.apply:
        from qatfix.cli.fixing import apply_or_diff  # the chosen mode: reads and writes files

        return final_exit(collected, apply_or_diff(
            request, collected, diff=args.diff, unsafe=args.unsafe_fixes, fail_on=args.fail_on,
            fmt=args.format, verbose=args.verbose))
    if args.statistics:
        from qatfix.report.statistics import render_statistics  # the chosen mode only

        sys.stdout.write(render_statistics(collected.shown, args.format))
    else:
        sys.stdout.write(report(collected.shown, args.format, verbose=args.verbose))
    return final_exit(collected, exit_code(collected.shown, args.fail_on))


def final_exit(collected: Collected, code: int) -> int:
    """2 (after the report) when a config could not be read, `--deep` could not run, or no
    named file could be checked at all; else the findings' exit code. One line on stderr says
    why."""
    problems = []
    unreadable = [f for f in collected.shown if f.code == UNREADABLE]
    if len(unreadable) == 1 and not collected.checked:
        problems.append(f"{unreadable[0].location}: {unreadable[0].message}")
    elif collected.unreadable:
        problems.append(f"{collected.unreadable} config(s) could not be read (QF000)")
    if collected.deep_failed:
        problems.append(f"--deep could not run for {collected.deep_failed} config(s) (QF003); "
                        "their static findings are shown")
    if not collected.checked and not collected.unreadable:
        problems.append("nothing was checked: no named file is a PaddleDetection model or slim "
                        "config (QF002)")
    if problems:
        print(f"qatfix: error: {'; '.join(problems)}", file=sys.stderr)
        return 2
    return code
