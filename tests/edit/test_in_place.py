"""Replacing a scalar in place gives exactly the full rewriter's text, or declines."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qatfix.config.loader import parse_text
from qatfix.edit.plan import replace_scalar
from qatfix.edit.primitives import set_value
from qatfix.errors import EditError
from tests.edit.reference import yaml
from tests.edit.test_properties import _places
from tests.edit.yamlgen import TRICKY, documents

SCALARS = st.one_of(
    st.integers(-10**6, 10**6), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=True, width=64),
    st.sampled_from(TRICKY + ["plain_word", "../x.yml", "https://a.b/c.pdparams"]),
    st.text(max_size=8),
)


def in_place(text: str, path: tuple[Any, ...], value: Any) -> str | None:
    document = parse_text(text.lstrip("\ufeff"), "f.yml")
    return replace_scalar(text, document, path, value)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents(), st.data())
def test_in_place_equals_the_rewriter_whenever_it_answers(text: str, data: st.DataObject) -> None:
    places = [p for p in _places(text) if isinstance(p.node, yaml.ScalarNode) and p.path
              and all(isinstance(k, str) for k in p.path)]
    assume(places)
    place = data.draw(st.sampled_from(places))
    value = data.draw(SCALARS)
    quick = in_place(text, place.path, value)
    if quick is None:
        return
    assert quick == set_value(text, place.path, value).new_text


def test_the_plain_cases_are_taken() -> None:
    text = ("# weights\r\n"
            "pretrain_weights: https://a/old.pdparams  # float model\r\n"
            "QAT:\r\n"
            "  quant_config: {weight_bits: 8}\r\n"
            "  name: 'it''s'\r\n"
            "  other: \"x\"\r\n")
    new = in_place(text, ("pretrain_weights",), "https://a/new.pdparams")
    assert new == text.replace("old", "new")
    assert in_place(text, ("QAT", "name"), "b") == text.replace("'it''s'", "'b'")
    assert in_place(text, ("QAT", "other"), "1e-4") == text.replace('"x"', '"1e-4"')
    assert in_place("\ufeffa: 1\n", ("a",), 2) == "\ufeffa: 2\n"
    assert in_place("a: 1\n", ("a",), 1) == "a: 1\n"  # already so: unchanged


@pytest.mark.parametrize("text, path", [
    ("a: {b: 1}\n", ("a", "b")),                      # flow mapping
    ("a: &x 1\nb: *x\n", ("a",)),                      # anchored value, shared by an alias
    ("a: &x\n  b: 1\nc: *x\n", ("a", "b")),            # anchored mapping on the way
    ("a: !!int 1\n", ("a",)),                          # tagged value
    ("a: !Cls\n  b: 1\n", ("a", "b")),                 # tagged mapping on the way
    ("a: 1\na: 2\n", ("a",)),                          # duplicate key
    ("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", ("c", "y")),  # merge keys
    ("a: one\n  two\n", ("a",)),                       # scalar over two lines
    ("a: |\n  text\n", ("a",)),                        # block scalar
    ("a:\n", ("a",)),                                  # empty value
    ("l:\n- 1\n", ("l", 0)),                           # a list entry
    ("a: [1]\n", ("a",)),                              # a collection
    ("a: 1\n", ("b",)),                                # missing key
    ("a: 1\n", ()),                                    # the whole document
])
def test_anything_else_is_left_to_the_rewriter(text: str, path: tuple[Any, ...]) -> None:
    assert in_place(text, path, 5) is None


def test_a_text_other_than_the_parsed_one_is_declined() -> None:
    document = parse_text("a: 1\n", "f.yml")
    assert replace_scalar("a: 1\nb: 2\n", document, ("a",), 3) is None


def test_values_it_cannot_write_raise_as_the_rewriter_does() -> None:
    assert in_place("a: 1\n", ("a",), {"x": 1}) is None  # collections: the rewriter's job
    with pytest.raises(EditError):
        set_value("a: 1\n", ("a",), object())
    assert in_place("a: 1\n", ("a",), object()) is None
