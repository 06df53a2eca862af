"""`qatfix resolve`: print the effective config of a ppdet run."""
from __future__ import annotations

import argparse
import sys

from qatfix.cli.common import add_config_arguments, config_and_slim
from qatfix.config import resolve
from qatfix.config.render import blame, blame_json, to_json, to_yaml


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_arguments(parser)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml",
                        help="output format (default: yaml)")
    parser.add_argument("--blame", action="store_true",
                        help="print each value with the file:line that defined it (with --format json: "
                             "the blame schema of docs/json-output.md)")


def run(args: argparse.Namespace) -> int:
    config, slim = config_and_slim(args)
    resolved = resolve(config, slim, args.opt)
    if args.blame:
        out = blame_json(resolved.data) if args.format == "json" else blame(resolved.data)
    elif args.format == "json":
        out = to_json(resolved.data)
    else:
        out = to_yaml(resolved.data)
    sys.stdout.write(out)
    return 0
