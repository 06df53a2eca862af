"""`qatfix inspect FILE.pdparams`: parameter counts, bytes by dtype, matching registry entries."""
from __future__ import annotations

import argparse
import json
import sys
from qatfix.run.progress import Progress

NAME = "inspect"
HELP = "summarise a .pdparams file (needs the [paddle] extra)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("weights", metavar="FILE.pdparams", help="weights file saved by paddle")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from qatfix.deep.inspect import inspect_weights

    progress = Progress(args.format)
    progress.show(f"inspect {args.weights}: importing paddle, reading the weights...")
    try:
        result = inspect_weights(args.weights)
    finally:
        progress.clear()
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(result.text() + "\n")
    return 0
