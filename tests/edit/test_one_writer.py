"""One writer on one tree: a fix reuses the loader's parse of the file it edits (no second parse),
and a comment describing the replaced value goes with it when the change asks so."""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import qatfix.edit.primitives as primitives
from qatfix.config.loader import parse_text
from qatfix.edit.primitives import set_value
from qatfix.edit.values import load_data, same_value
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


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the rewriter parses from now on (its read-back check aside)."""
    seen: list[str] = []
    real = primitives.parse_text

    def counting(text: str, path: str, **kwargs: Any) -> Any:
        seen.append(text)
        return real(text, path, **kwargs)

    monkeypatch.setattr(primitives, "parse_text", counting)
    return seen


def test_the_loaders_document_is_edited_without_a_second_parse(monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    text = "\ufeffpretrain_weights: old  # float model\nepoch: 1\n"
    document = parse_text(text.lstrip("\ufeff"), "f.yml")
    seen = _parses(monkeypatch)
    change = set_value(text, ("pretrain_weights",), "new", document=document)
    assert seen == []
    assert change.new_text == text.replace("old", "new")
    set_value(text, ("pretrain_weights",), "new")
    assert seen == [text.lstrip("\ufeff")]


def test_a_text_other_than_the_parsed_one_is_parsed_afresh(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    document = parse_text("a: 1\n", "f.yml")
    seen = _parses(monkeypatch)
    assert set_value("a: 1\nb: 2\n", ("b",), 3, document=document).new_text == "a: 1\nb: 3\n"
    assert seen == ["a: 1\nb: 2\n"]


def test_the_plain_cases() -> None:
    text = ("# weights\r\n"
            "pretrain_weights: https://a/old.pdparams  # float model\r\n"
            "QAT:\r\n"
            "  quant_config: {weight_bits: 8}\r\n"
            "  name: 'it''s'\r\n"
            "  other: \"x\"\r\n")
    new = set_value(text, ("pretrain_weights",), "https://a/new.pdparams").new_text
    assert new == text.replace("old", "new")
    assert set_value(text, ("QAT", "name"), "b").new_text == text.replace("'it''s'", "'b'")
    assert set_value(text, ("QAT", "other"), "1e-4").new_text == text.replace('"x"', '"1e-4"')
    assert set_value("\ufeffa: 1\n", ("a",), 2).new_text == "\ufeffa: 2\n"
    assert not set_value("a: 1\n", ("a",), 1).changed  # already so: unchanged


def test_a_stale_comment_goes_with_the_value() -> None:
    text = "a: 1  # one\r\nb: 'x' # the x\r\nc: 3 # three"
    assert set_value(text, ("a",), 2, drop_comment=True).new_text == \
        "a: 2\r\nb: 'x' # the x\r\nc: 3 # three"
    assert set_value(text, ("b",), "y", drop_comment=True).new_text == \
        "a: 1  # one\r\nb: 'y'\r\nc: 3 # three"
    assert set_value(text, ("c",), 4, drop_comment=True).new_text == \
        "a: 1  # one\r\nb: 'x' # the x\r\nc: 4"
    assert set_value("a: 1\nb: 2  # two\n", ("a",), 5, drop_comment=True).new_text == \
        "a: 5\nb: 2  # two\n"


@pytest.mark.parametrize("text", [
    "a: {b: 1}  # c\n",                    # flow context
    "a: &x 1  # c\nb: *x\n",              # anchored value
    "a: !!int 1  # c\n",                   # tagged value
    "a: one\n  two  # c\n",                # scalar over two lines
    "a:   # c\n",                          # empty value
])
def test_comments_stay_where_the_value_is_not_a_plain_one_line_scalar(text: str) -> None:
    path = ("a", "b") if text.startswith("a: {") else ("a",)
    assert "# c" in set_value(text, path, 5, drop_comment=True).new_text


def test_values_it_cannot_write_raise() -> None:
    with pytest.raises(EditError):
        set_value("a: 1\n", ("a",), object())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents(), st.data())
def test_dropping_a_comment_changes_nothing_else(text: str, data: st.DataObject) -> None:
    places = [p for p in _places(text) if isinstance(p.node, yaml.ScalarNode) and p.path
              and all(isinstance(k, str) for k in p.path)]
    assume(places)
    place = data.draw(st.sampled_from(places))
    value = data.draw(SCALARS)
    try:
        kept = set_value(text, place.path, value).new_text
    except EditError:
        return
    document = parse_text(text.lstrip("\ufeff"), "f.yml")
    dropped = set_value(text, place.path, value, document=document, drop_comment=True).new_text
    assert same_value(load_data(dropped.lstrip("\ufeff")), load_data(kept.lstrip("\ufeff")))
    kept_lines, dropped_lines = kept.splitlines(True), dropped.splitlines(True)
    assert len(kept_lines) == len(dropped_lines)
    for before, after in zip(kept_lines, dropped_lines):
        if before != after:
            body = after.rstrip("\r\n")
            assert before.startswith(body) and before[len(body):].lstrip(" \t").startswith("#")
            assert after[len(body):] == before[len(before.rstrip("\r\n")):]
