"""QF402: a value written like a number that ppdet reads as a string (`base_lr: 1e-4`)."""
from __future__ import annotations

import re
from typing import Iterator

from qatfix.config.nodes import walk
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext

_NUMBER_LIKE = re.compile(r"^[-+]?(?:[0-9][0-9_]*\.?[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)$")


def _is_plain(ctx: CheckContext, path: str, line: int, column: int) -> bool:
    document = ctx.resolved.documents.get(path)
    if document is None or not line:
        return False
    lines = document.text.splitlines()
    if line > len(lines):
        return False
    text = lines[line - 1][column - 1:]
    return not text.startswith(("'", '"', "!"))


def check(ctx: CheckContext) -> Iterator[Issue]:
    for key_path, value, origin in walk(ctx.resolved.data):
        if not isinstance(value, str) or not _NUMBER_LIKE.match(value) or origin is None:
            continue
        if origin.anchor or not _is_plain(ctx, origin.path, origin.value_line, origin.value_column):
            continue
        number = float(value.replace("_", ""))
        dotted = ".".join(str(k) for k in key_path)
        yield Issue(
            message=(f"{dotted}: {value} is read by ppdet as the string '{value}', not a number "
                     "(YAML 1.1 floats need a dot and a signed exponent, e.g. 1.0e-4)"),
            location=ctx.location(key_path),
            fixes=(PlannedFix(f"Write {dotted} as the float {number!r}", "safe",
                              (Change.set(key_path, number),), value=repr(number)),),
        )


RULES = (Rule(
    code="QF402", name="number-read-as-string", severity="warning",
    summary="A value that looks like a number is a string to ppdet's YAML 1.1 parser.",
    explanation=(
        "PyYAML follows YAML 1.1, whose float pattern needs a dot in the mantissa and a sign in "
        "the exponent. `1e-4` and `5e3` are therefore strings, and ppdet passes the string on: a "
        "learning rate of '1e-4' fails deep inside the optimizer or, worse, is compared as text. "
        "Example: `base_lr: 1e-4` becomes `base_lr: 0.0001`."),
    fix_safety="safe: the value is rewritten as the float it was meant to be.",
    example=(
        'qatfix configs/example/picodet_lr.yml\n'
        '# configs/example/picodet_lr.yml\n'
        '_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n'
        'LearningRate:\n'
        '  base_lr: 1e-4\n'
    ),
    instead=(
        'LearningRate:\n'
        '  base_lr: 0.0001'
    ),
    evidence=(
        "PyYAML's resolver (yaml/resolver.py, YAML 1.1 float pattern) needs a "
        "dot in the mantissa: `yaml.safe_load('a: 1e-4')` gives the string "
        "'1e-4'."
    ),
    check=check),)
