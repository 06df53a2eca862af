"""Deleting keys: their lines and inline comment go, comment lines above stay."""
from __future__ import annotations

import pytest

from qatfix.edit.primitives import delete_key
from qatfix.errors import EditError
from tests.edit.helpers import rereads

TEXT = """\
# weights
pretrain_weights: a.pdparams  # float model
weights: output/model_final
LearningRate:
  base_lr: 0.1
  # warmup first
  schedulers:
  - !LinearWarmup
    steps: 100
epoch: 10
"""


def test_block_key_goes_with_its_inline_comment_only() -> None:
    change = delete_key(TEXT, ("pretrain_weights",))
    assert change.new_text == TEXT.replace("pretrain_weights: a.pdparams  # float model\n", "")
    assert change.line == 2


def test_block_key_with_nested_value_goes_whole_but_comment_above_stays() -> None:
    change = delete_key(TEXT, ("LearningRate", "schedulers"))
    assert change.new_text == TEXT.replace("  schedulers:\n  - !LinearWarmup\n    steps: 100\n", "")
    assert "# warmup first" in change.new_text


def test_all_duplicates_go() -> None:
    text = "a: 1\nb: 2\na: 3\n"
    change = delete_key(text, ("a",))
    assert change.new_text == "b: 2\n" and rereads(change) == {"b": 2}


def test_missing_key_changes_nothing() -> None:
    assert not delete_key(TEXT, ("nope",)).changed
    assert not delete_key(TEXT, ("nope", "deeper")).changed


def test_last_line_without_newline_stays_without() -> None:
    assert delete_key("a: 1\r\nb: 2", ("b",)).new_text == "a: 1"
    assert delete_key("\ufeffa: 1\r\nb: 2\r\n", ("a",)).new_text == "\ufeffb: 2\r\n"


@pytest.mark.parametrize("key, expected", [
    ("a", "m: {b: 2, c: 3}\n"), ("b", "m: {a: 1, c: 3}\n"), ("c", "m: {a: 1, b: 2}\n")])
def test_flow_entries(key: str, expected: str) -> None:
    assert delete_key("m: {a: 1, b: 2, c: 3}\n", ("m", key)).new_text == expected


def test_only_flow_entry_leaves_an_empty_mapping() -> None:
    change = delete_key("m: {a: 1}\n", ("m", "a"))
    assert change.new_text == "m: {}\n" and rereads(change) == {"m": {}}


def test_multiline_flow_entry_goes_with_its_lines() -> None:
    text = ("quant_config: {\n"
            "    'activation_preprocess_type': 'PACT',  # only for PACT\n"
            "    'weight_bits': 8, 'activation_bits': 8,\n"
            "    'quantizable_layer_type': ['Conv2D', 'Linear']\n"
            "}\n")
    first = delete_key(text, ("quant_config", "activation_preprocess_type"))
    line = "    'activation_preprocess_type': 'PACT',  # only for PACT\n"
    assert first.new_text == text.replace(line, "")
    last = delete_key(text, ("quant_config", "quantizable_layer_type"))
    assert last.new_text == text.replace("    'quantizable_layer_type': ['Conv2D', 'Linear']\n", "")
    middle = delete_key(text, ("quant_config", "weight_bits"))
    assert "    'activation_bits': 8,\n" in middle.new_text


def test_first_key_of_a_list_entry() -> None:
    text = "l:\n- a: 1\n  b: 2\n"
    assert delete_key(text, ("l", 0, "a")).new_text == "l:\n- b: 2\n"


def test_emptying_a_block_mapping_is_refused() -> None:
    with pytest.raises(EditError, match="only key of LearningRate"):
        delete_key("LearningRate:\n  base_lr: 1\n", ("LearningRate", "base_lr"))
    with pytest.raises(EditError, match="list entry"):
        delete_key("l: [1, 2]\n", ("l", 0))


def test_anchor_still_used_by_an_alias_is_not_deleted() -> None:
    text = "a: &x 1\nb: *x\nc: {d: &y [1], e: *y}\n"
    with pytest.raises(EditError, match="a holds &x, still used by the alias at line 2"):
        delete_key(text, ("a",))
    assert delete_key(text, ("b",)).new_text == "a: &x 1\nc: {d: &y [1], e: *y}\n"
    assert delete_key(text, ("c",)).new_text == "a: &x 1\nb: *x\n"
