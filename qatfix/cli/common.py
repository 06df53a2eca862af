"""Arguments shared by the commands that read a config the way ppdet's tools/train.py does."""
from __future__ import annotations

import argparse

from qatfix.errors import UsageError


def add_config_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """`CONFIG` or `-c CONFIG`, `--slim_config`/`--slim-config`, `-o KEY=VALUE ...`."""
    parser.add_argument("paths", nargs="*" if many else "?", metavar="CONFIG",
                        help="config file (or folder, for check)")
    parser.add_argument("-c", "--config", dest="config", help="model config (as in tools/train.py)")
    parser.add_argument("--slim_config", "--slim-config", dest="slim_config",
                        help="slim config: QAT, PTQ, prune or distill")
    parser.add_argument("-o", "--opt", nargs="+", default=[], metavar="KEY=VALUE", action="extend",
                        help="override config values, as ppdet's -o")


def config_and_slim(args: argparse.Namespace) -> tuple[str, str | None]:
    """The one config named by `CONFIG` or `-c`."""
    paths = args.paths if isinstance(args.paths, list) else ([args.paths] if args.paths else [])
    if args.config:
        paths = [args.config, *paths]
    if len(paths) != 1:
        raise UsageError("give exactly one config (CONFIG or -c CONFIG)")
    return paths[0], args.slim_config
