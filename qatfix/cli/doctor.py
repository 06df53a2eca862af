"""`qatfix doctor [--model_dir DIR]`: the installed paddle, PaddleSlim, ppdet (the checkout's own
when run inside a PaddleDetection checkout) and Paddle2ONNX, and the paddle that wrote an
exported model, judged against the table of combinations known to fail (QF990). Read from
package metadata and files; paddle is never imported. A row that cannot be judged (a package
not installed, no model given) is named as not checked."""
from __future__ import annotations

import argparse
import json
import os
import sys

from qatfix.errors import UsageError
from qatfix.model.environment import environment, model_writer
from qatfix.rules.deploy.versions import judge

NAME = "doctor"
HELP = "check the installed paddle, PaddleSlim, ppdet and Paddle2ONNX (and a model's paddle)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model_dir", "--model-dir", default=None, metavar="DIR",
                        help="an exported model folder: the paddle that wrote it is judged too")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    writer = None
    if args.model_dir is not None:
        if not os.path.isdir(args.model_dir):
            raise UsageError(f"--model_dir {args.model_dir}: no such folder")
        writer = model_writer(args.model_dir)
        if writer is None:
            raise UsageError(f"--model_dir {args.model_dir} holds no model.json or model.pdmodel")
    env = environment(os.getcwd())
    verdicts = judge(env, writer)
    problems = [v for v in verdicts if v.problem]
    if args.format == "json":
        payload = {
            "packages": [{"name": p.name, "version": p.version, "source": p.source}
                         for p in env.packages()],
            "model": ({"version": writer.version, "source": writer.source}
                      if writer is not None else None),
            "combinations": [{"combination": v.combination.key, "source": v.combination.source,
                              "problem": v.problem, "not_checked": list(v.missing)}
                             for v in verdicts],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return 1 if problems else 0
    lines = []
    for package in env.packages():
        lines.append(f"{package.name}: {package.version or 'not installed'}  ({package.source})")
    if writer is not None:
        lines.append(f"model: written by paddle {writer.version or 'unknown'}  ({writer.source})")
    else:
        lines.append("model: none given (--model_dir DIR judges the paddle that wrote it)")
    lines.append("")
    for verdict in verdicts:
        row = verdict.combination
        if verdict.problem:
            lines.append(f"warning QF990 {verdict.problem} ({row.source})")
        elif verdict.missing:
            lines.append(f"not checked: {row.key}: {', '.join(verdict.missing)} "
                         f"{'is' if len(verdict.missing) == 1 else 'are'} not known "
                         f"({row.source})")
        else:
            lines.append(f"ok: {row.key} ({row.source})")
    unchecked = sum(1 for v in verdicts if v.missing)
    lines.append(f"{len(problems)} known-bad combination(s); {unchecked} not checked")
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if problems else 0
