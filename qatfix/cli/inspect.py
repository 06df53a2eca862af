"""`qatfix inspect FILE.pdparams`: what the checkpoint is (float, QAT, pruned), of which config,
with the load figure; counts, bytes by dtype and matching registry entries below."""
from __future__ import annotations

import argparse
import json
import sys
from qatfix.run.progress import Progress

NAME = "inspect"
HELP = "say what a .pdparams file is: float, QAT or pruned, which config, which official weights"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("weights", metavar="FILE.pdparams", help="weights file saved by paddle")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from qatfix.deep.inspect import inspect_weights

    progress = Progress(args.format)
    progress.show(f"inspect {args.weights}: reading the weights...")
    try:
        result = inspect_weights(args.weights)
    finally:
        progress.clear()
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(result.text() + "\n")
    return 0
