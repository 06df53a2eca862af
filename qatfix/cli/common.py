"""Arguments shared by the commands that read a config the way ppdet's tools/train.py does."""
from __future__ import annotations

import argparse

from qatfix.run.request import named_configs


def add_config_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """`CONFIG` or `-c CONFIG`, `--slim_config`/`--slim-config`, `-o KEY=VALUE ...`."""
    parser.add_argument("paths", nargs="*" if many else "?", metavar="CONFIG",
                        help="config file (or folder, for check)")
    parser.add_argument("-c", "--config", dest="config", help="model config (as in tools/train.py)")
    parser.add_argument("--slim_config", "--slim-config", dest="slim_config",
                        help="slim config: QAT, PTQ, prune or distill")
    parser.add_argument("-o", "--opt", nargs="*", default=[], metavar="KEY=VALUE",
                        action=OptionGroup,
                        help="override config values, as ppdet's -o (a second -o replaces the "
                             "first, as in ppdet)")
    parser.set_defaults(opt_groups=[])


class OptionGroup(argparse.Action):
    """ppdet's `-o` (`nargs='*'`, argparse's default store action): each group replaces the one
    before. Every group is kept in `opt_groups` so the dropped ones can be reported (QF405)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        group = list(values) if isinstance(values, list) else []
        namespace.opt_groups = [*getattr(namespace, "opt_groups", []), group]
        setattr(namespace, self.dest, group)


def dropped_options(args: argparse.Namespace) -> tuple[tuple[str, ...], ...]:
    """The `-o` groups a later `-o` replaced (ppdet never sees them)."""
    groups = getattr(args, "opt_groups", [])
    return tuple(tuple(g) for g in groups[:-1] if g)


def config_and_slim(args: argparse.Namespace) -> tuple[str, str | None]:
    """The one config named by `CONFIG` or `-c`."""
    paths = args.paths if isinstance(args.paths, list) else ([args.paths] if args.paths else [])
    [config] = named_configs(args.config, paths, exactly_one=True)
    return config, args.slim_config
