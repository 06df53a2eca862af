"""`qatfix set FILE KEY VALUE`: change one key of a config file and nothing else.

KEY is dotted (`TrainReader.batch_size`, `_BASE_.2`; numbers index lists). VALUE is YAML, typed
as ppdet types `-o` values (YAML 1.1: `1e-4` is a string, `1.0e-4` a float). The file is written
atomically; with `--diff` it is left alone and the change is printed instead.
"""
from __future__ import annotations

import argparse
import re
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="YAML config file to edit")
    parser.add_argument("key", metavar="KEY", help="dotted key, e.g. TrainReader.batch_size")
    parser.add_argument("value", metavar="VALUE", help="YAML value, typed as ppdet's -o values")
    parser.add_argument("--diff", action="store_true",
                        help="print the change as a unified diff instead of writing it")


_NUMBER_LIKE = re.compile(r"^[-+]?(\d[\d_]*\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def run(args: argparse.Namespace) -> int:
    from qatfix.config.options import parse_value
    from qatfix.edit import format_path, parse_dotted, read_source, set_value, unified_diff
    from qatfix.edit.apply import write_all
    from qatfix.errors import EditError, QatfixError, UsageError
    from qatfix.report.color import want_color

    path = parse_dotted(args.key)
    try:
        value = parse_value(args.value, "VALUE")
    except QatfixError as exc:
        raise UsageError(f"VALUE {args.value!r} is not valid YAML: {exc.message}") from None
    if isinstance(value, str) and _NUMBER_LIKE.match(args.value.strip()):
        print(f"qatfix: note: {args.value.strip()} reads as a string in YAML 1.1, as ppdet reads "
              "it; write it with a dot and a signed exponent (e.g. 1.0e-4) for a number",
              file=sys.stderr)
    source = read_source(args.file)
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
