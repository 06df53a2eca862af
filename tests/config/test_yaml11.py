"""Scalar typing must agree with PyYAML's Loader (what ppdet uses) on every tricky case."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qatfix.config import yaml11
from tests.conftest import require

yaml = require("yaml")

CASES = [
    "True", "true", "yes", "Yes", "on", "OFF", "no", "y", "n", "0.", "1e-4", "1.0e-4", "1.0e-04",
    "1.5e+3", ".5", "-.inf", ".NaN", "010", "0o10", "0x1F", "0b101", "1_000", "190:20:30",
    "1:30.5", "~", "null", "NULL", "", "2002-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10", "0", "-0", "+12", "3.", "-3.25", "1e5", "12e", "abc", "<<", "=",
    "0.001", "00", "09", "1__0", "+.inf", "._", "0:0", "1.0.0",
]


def _pyyaml(text: str) -> object:
    return yaml.load(f"v: {text}\n" if text else "v:\n", Loader=yaml.Loader)["v"]


def _same(ours: object, theirs: object) -> bool:
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    return ours == theirs and type(ours) is type(theirs)


#: merge and value keys: no meaning as values, so not compared
KEYS_ONLY = ("<<", "=")


@pytest.mark.parametrize("text", [c for c in CASES if c not in KEYS_ONLY])
def test_plain_scalars_type_like_pyyaml(text: str) -> None:
    assert _same(yaml11.type_plain(text), _pyyaml(text))


def test_scientific_notation_without_dot_stays_a_string() -> None:
    assert yaml11.type_plain("1e-4") == "1e-4"
    assert yaml11.type_plain("1e-4") != 1e-4  # a float needs a dot in the mantissa
    assert yaml11.type_plain("1.0e4") == "1.0e4"  # ... and a signed exponent
    assert yaml11.type_plain("1.0e-04") == 1.0e-4


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.eE+-_:xbon~TtrueFalsyYNl ", max_size=10))
def test_random_plain_scalars_type_like_pyyaml(text: str) -> None:
    text = text.strip()
    try:
        theirs = _pyyaml(text)
    except Exception:
        return  # not a valid plain scalar in this position
    if isinstance(theirs, (dict, list)):
        return
    try:
        ours = yaml11.type_plain(text)
    except ValueError:
        pytest.fail(f"qatfix failed on {text!r}, PyYAML gives {theirs!r}")
    assert _same(ours, theirs), text


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.booleans(), st.none(), st.integers(), st.floats(allow_nan=False),
                 st.text(max_size=12)))
def test_format_scalar_rereads_as_the_same_value(value: object) -> None:
    text = yaml11.format_scalar(value)
    assert _same(_pyyaml(text), value), text
