"""`qatfix set FILE KEY VALUE`: change one key of a config file and nothing else.

KEY is dotted (`TrainReader.batch_size`, `_BASE_.2`; numbers index lists the file holds). VALUE
is YAML, typed as ppdet types `-o` values; a number YAML 1.1 would read as a string (`1e-4`) is
written as the number (`1.0e-4`), with a note. A key defined nowhere in the config's `_BASE_`
chain but close to one that is gets a "did you mean" warning (refused with `--strict`). The file
is written atomically; with `--diff` it is left alone and the change is printed instead.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from qatfix.config import resolve
from qatfix.config.options import parse_value
from qatfix.edit.apply import read_source, write_all
from qatfix.edit.diff import unified_diff
from qatfix.edit.primitives import set_value
from qatfix.config.nodes import Tagged
from qatfix.edit.values import Key, format_path, key_matches, load_data, parse_dotted
from qatfix.model.key_spelling import meant_path
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


# --- what `qatfix set` checks before it writes -------------------------------------------------
# A key defined nowhere in the config's `_BASE_` chain, unknown to ppdet and one typo away from a
# key it knows (`TrainReader.batchsize`) is most likely that key misspelt: ppdet would silently
# ignore it (judged as QF406 judges keys, by `qatfix.model.key_spelling`). A numeric component
# must index a list that the file itself holds (ppdet replaces whole lists when it merges, so
# `sample_transforms.0` of a base's list would turn into a mapping `{'0': ...}` that replaces the
# base's list). A value that YAML 1.1 reads as a string although it looks like a number (`1e-4`)
# is respelled so that ppdet reads the number (`1.0e-4`).

#: YAML 1.2 floats without the dot or the signed exponent YAML 1.1 wants for a float
_EXPONENT_NUMBER = re.compile(r"^([-+]?(?:\d[\d_]*)?\.?\d*)[eE]([-+]?)(\d+)$")


def _inner(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


class SpelledFloat(float):
    """A float written as the user spelled it, made valid for YAML 1.1 (`1e-4` -> `1.0e-4`)."""

    spelling: str

    def __new__(cls, value: float, spelling: str) -> "SpelledFloat":
        made = super().__new__(cls, value)
        made.spelling = spelling
        return made

    def __repr__(self) -> str:
        return self.spelling


def as_number(text: str) -> SpelledFloat | None:
    """`1e-4` -> 1.0e-4 (a float), or None when `text` is not such a number."""
    match = _EXPONENT_NUMBER.match(text.strip())
    if not match or not any(c.isdigit() for c in match.group(1)):
        return None
    mantissa, sign, digits = match.groups()
    if "." not in mantissa:
        mantissa += ".0"
    elif mantissa.endswith("."):
        mantissa += "0"
    if mantissa.lstrip("+-").startswith("."):
        mantissa = mantissa.replace(".", "0.", 1)
    spelling = f"{mantissa}e{sign or '+'}{digits}"
    try:
        return SpelledFloat(float(spelling.replace("_", "")), spelling)
    except ValueError:
        return None


def _child(container: Any, key: Key) -> tuple[bool, Any]:
    container = _inner(container)
    if isinstance(container, dict):
        for actual in reversed(list(container)):
            if key_matches(actual, key):
                return True, container[actual]
        return False, None
    if isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container):
        return True, container[key]
    return False, None


def _lookup(data: Any, path: tuple[Key, ...]) -> tuple[bool, Any]:
    node = data
    for key in path:
        found, node = _child(node, key)
        if not found:
            return False, None
    return True, node


def check_indexes(file_data: Any, effective: Any, path: tuple[Key, ...]) -> None:
    """Refuse a numeric component that does not index a list the file holds (the length of
    the list, for the last component, appends)."""
    for index, key in enumerate(path):
        if not isinstance(key, int):
            continue
        prefix = path[:index]
        where = format_path(prefix) or "the document"
        found, container = _lookup(file_data, prefix)
        container = _inner(container)
        if found and isinstance(container, list):
            last = index == len(path) - 1
            if key > len(container) or (key == len(container) and not last):
                raise EditError(f"{format_path(path)}: {where} has {len(container)} entries; "
                                f"there is no entry {key}")
            continue
        if found and isinstance(container, dict) and _child(container, key)[0]:
            continue
        in_base, value = _lookup(effective, prefix) if effective is not None else (False, None)
        if in_base and isinstance(_inner(value), list):
            raise EditError(f"{format_path(path)}: {where} is a list that comes from a base "
                            "file; ppdet merges lists whole, so setting entry "
                            f"{key} here would replace that list by a mapping. Edit the file "
                            "that defines the list, or copy the whole list into this one")
        raise EditError(f"{format_path(path)}: {where} is not a list in this file, so {key} "
                        "cannot index it")


def did_you_mean(effective: Any, path: tuple[Key, ...], top: Any = frozenset(),
                 sections: Any = None) -> str | None:
    """A known key `path` is probably a misspelling of, when `path` is defined nowhere in the
    config's chain and ppdet does not know it (`top`, `sections`: the keys ppdet knows, see
    `qatfix.registry.config_keys`); else None. The judgement is `qatfix.model.key_spelling`'s."""
    if effective is None:
        return None
    meant = meant_path(effective, path, top, sections or {})
    return format_path(meant) if meant is not None else None
