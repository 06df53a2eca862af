"""Arguments shared by the commands that read a config the way ppdet's tools/train.py does."""
from __future__ import annotations

import argparse
import os

from qatfix.errors import UsageError
from qatfix.run.request import named_configs


def add_config_arguments(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """`CONFIG` or `-c CONFIG`, `--slim_config`/`--slim-config`, `-o KEY=VALUE ...`."""
    parser.add_argument("paths", nargs="*" if many else "?", metavar="CONFIG",
                        help=("config files or folders (every config in them)" if many else
                              "config file"))
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
    check_named_files(args)
    paths = args.paths if isinstance(args.paths, list) else ([args.paths] if args.paths else [])
    [config] = named_configs(args.config, paths, exactly_one=True)
    return config, args.slim_config


#: the two suffixes ppdet reads configs from
_SUFFIXES = (".yml", ".yaml")


def named_file_problem(flag: str, path: str) -> str | None:
    """What is wrong with a file named by `-c` or `--slim_config`, with a suggestion: missing
    (`.yaml` where `.yml` exists, or a close name beside it) or a folder."""
    if os.path.isdir(path):
        inside = sorted(n for n in os.listdir(path) if n.endswith(_SUFFIXES))[:3]
        example = f" (e.g. {', '.join(os.path.join(path, n) for n in inside)})" if inside else ""
        return f"{flag} {path} is a folder: name one config in it{example}"
    if os.path.lexists(path):
        return None
    stem, suffix = os.path.splitext(path)
    if suffix in _SUFFIXES:
        swapped = stem + (".yaml" if suffix == ".yml" else ".yml")
        if os.path.isfile(swapped):
            return f"{flag} {path}: no such file; did you mean {swapped}?"
    folder = os.path.dirname(path) or "."
    if os.path.isdir(folder):
        import difflib  # a missing file only

        names = [n for n in os.listdir(folder) if n.endswith(_SUFFIXES)]
        close = difflib.get_close_matches(os.path.basename(path), names, n=1, cutoff=0.75)
        if close:
            return f"{flag} {path}: no such file; did you mean {os.path.join(folder, close[0])}?"
    return f"{flag} {path}: no such file"


def check_named_files(args: argparse.Namespace) -> None:
    """A missing `-c`/`--slim_config` file or a folder given as one is a usage error with a
    suggestion, before anything is read."""
    # a pasted deploy command's `-c` is its script (`paddle2onnx` is a console script, no file)
    config = getattr(args, "config", None) if getattr(args, "step", "") != "deploy" else None
    for flag, path in (("-c", config),
                       ("--slim_config", getattr(args, "slim_config", None))):
        problem = named_file_problem(flag, path) if path else None
        if problem:
            raise UsageError(problem)
