"""`qatfix set FILE KEY VALUE`: change one key of a config file and nothing else.

KEY is dotted (`TrainReader.batch_size`, `_BASE_.2`; numbers index lists the file holds). VALUE
is YAML, typed as ppdet types `-o` values; a number YAML 1.1 would read as a string (`1e-4`) is
written as the number (`1.0e-4`), with a note. A key defined nowhere in the config's `_BASE_`
chain but close to one that is gets a "did you mean" warning (refused with `--strict`). The file
is written atomically; with `--diff` it is left alone and the change is printed instead.
"""
from __future__ import annotations

import argparse
import sys
from qatfix.config import resolve
from qatfix.config.options import parse_value
from qatfix.edit.apply import read_source, write_all
from qatfix.edit.diff import unified_diff
from qatfix.edit.primitives import set_value
from qatfix.edit.values import (as_number, check_indexes, did_you_mean, format_path, load_data,
                                parse_dotted)
from qatfix.errors import EditError, QatfixError, UsageError
from qatfix.errors import QatfixError
from qatfix.registry.config_keys import known_keys
from qatfix.report.color import want_color


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="YAML config file to edit")
    parser.add_argument("key", metavar="KEY", help="dotted key, e.g. TrainReader.batch_size")
    parser.add_argument("value", metavar="VALUE", help="YAML value, typed as ppdet's -o values")
    parser.add_argument("--diff", action="store_true",
                        help="print the change as a unified diff instead of writing it")
    parser.add_argument("--strict", action="store_true",
                        help="refuse (exit 2) a key that looks like a misspelling of a known key")


def _effective(path: str) -> object | None:
    """The file's effective config (its `_BASE_` chain merged), or None when it cannot be read
    that way (a missing base, ...): then only the file itself is known."""

    try:
        return resolve(path).data
    except QatfixError:
        return None


def run(args: argparse.Namespace) -> int:
    path = parse_dotted(args.key)
    try:
        value = parse_value(args.value, "VALUE")
    except QatfixError as exc:
        raise UsageError(f"VALUE {args.value!r} is not valid YAML: {exc.message}") from None
    number = as_number(args.value) if isinstance(value, str) else None
    if number is not None:
        print(f"qatfix: note: {args.value.strip()} reads as a string in YAML 1.1, as ppdet reads "
              f"it; writing the number {number!r}", file=sys.stderr)
        value = number
    source = read_source(args.file)
    effective = _effective(args.file)
    try:
        check_indexes(load_data(source.text.lstrip("\ufeff")), effective, path)
    except EditError as exc:
        raise EditError(exc.message, path=args.file, line=exc.line, column=exc.column) from None
    known = known_keys()
    guess = did_you_mean(effective, path, known.top, known.sections)
    if guess is not None:
        what = (f"{format_path(path)} is defined nowhere in {args.file} or its bases; ppdet "
                f"would ignore it. Did you mean {guess}?")
        if args.strict:
            raise UsageError(what + " (refused with --strict)")
        print(f"qatfix: warning: {what}", file=sys.stderr)
    try:
        change = set_value(source.text, path, value)
    except EditError as exc:
        raise EditError(exc.message, path=args.file, line=exc.line, column=exc.column) from None
    where = f"{args.file}:{change.line}" if change.line else args.file
    if not change.changed:
        print(f"{where}: {format_path(path)} already has that value")
        return 0
    note = change.sharing_note()
    if args.diff:
        sys.stdout.write(unified_diff(args.file, source.text, change.new_text,
                                      color=want_color(sys.stdout)))
    else:
        write_all({source.path: source}, {source.path: change.new_text})
        print(f"{where}: set {format_path(path)}")
    if note:
        print(f"qatfix: note: {note}", file=sys.stderr)
    return 0
