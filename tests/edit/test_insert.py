"""Adding keys and list entries where a person would have written them."""
from __future__ import annotations

import pytest

from qatfix.edit.primitives import insert_item, insert_key, set_value
from qatfix.errors import EditError
from tests.edit.helpers import rereads

READER = """\
TrainReader:
  sample_transforms:
  - Decode: {}
  - Resize: {target_size: [320, 320], keep_ratio: false}
  batch_size: 32
  # the evaluation reader follows

EvalReader:
  batch_size: 8
"""


def test_new_key_goes_after_the_last_key_before_the_next_comment() -> None:
    change = insert_key(READER, ("TrainReader", "shuffle"), True)
    assert change.new_text == READER.replace(
        "  batch_size: 32\n", "  batch_size: 32\n  shuffle: true\n")
    assert change.line == 6
    assert rereads(change)["TrainReader"]["shuffle"] is True


def test_new_top_level_key_goes_at_the_end() -> None:
    change = insert_key(READER, ("pretrain_weights",), "https://x/y.pdparams")
    assert change.new_text == READER + "pretrain_weights: https://x/y.pdparams\n"


def test_missing_mappings_are_created_in_block_style() -> None:
    change = insert_key(READER, ("slim", "QAT", "quant_config", "weight_bits"), 8)
    assert change.new_text.endswith("slim:\n  QAT:\n    quant_config:\n      weight_bits: 8\n")
    nested = insert_key(READER, ("EvalReader", "inputs_def", "image_shape"), [3, 320, 320])
    assert nested.new_text.endswith(
        "  batch_size: 8\n  inputs_def:\n    image_shape: [3, 320, 320]\n")


def test_indentation_follows_the_file() -> None:
    text = "A:\n    b: 1\n    c:\n        d: 2\n"
    change = insert_key(text, ("A", "c", "e", "f"), 3)
    assert change.new_text == text + "        e:\n            f: 3\n"


def test_flow_mapping_gets_the_entry_inline() -> None:
    change = insert_key(READER, ("TrainReader", "sample_transforms", 1, "Resize", "interp"), 2)
    expected = "  - Resize: {target_size: [320, 320], keep_ratio: false, interp: 2}\n"
    assert expected in change.new_text
    empty = insert_key(READER, ("TrainReader", "sample_transforms", 0, "Decode", "to_rgb"), True)
    assert "  - Decode: {to_rgb: true}\n" in empty.new_text


def test_multiline_flow_mapping_gets_a_new_line_at_its_indentation() -> None:
    text = ("quant_config: {\n"
            "    'activation_preprocess_type': 'PACT',\n"
            "    'weight_bits': 8, 'activation_bits': 8,\n"
            "    'quantizable_layer_type': ['Conv2D', 'Linear']}\n"
            "epoch: 30\n")
    change = insert_key(text, ("quant_config", "onnx_format"), True)
    assert change.new_text == text.replace(
        "['Conv2D', 'Linear']}\n", "['Conv2D', 'Linear'],\n    'onnx_format': true}\n")
    assert change.line == 5


def test_multiline_flow_mapping_with_trailing_comma_keeps_it() -> None:
    text = "q: {\n  a: 1,  # first\n  b: 2,  # second\n}\n"
    change = insert_key(text, ("q", "c"), 3)
    assert change.new_text == "q: {\n  a: 1,  # first\n  b: 2,  # second\n  c: 3,\n}\n"


def test_multiline_flow_mapping_with_comment_after_last_entry() -> None:
    text = "q: {\n  a: 1,\n  b: 2  # second\n}\n"
    change = insert_key(text, ("q", "c"), 3)
    assert change.new_text == "q: {\n  a: 1,\n  b: 2,  # second\n  c: 3\n}\n"


def test_insertion_after_a_block_scalar_and_nested_lists() -> None:
    text = "a:\n  note: |\n    hello\n\n  list:\n  - - 1\n    - 2\nb: 1\n"
    change = insert_key(text, ("a", "x"), 1)
    assert change.new_text == text.replace("    - 2\n", "    - 2\n  x: 1\n")


def test_crlf_and_missing_final_newline() -> None:
    text = "a:\r\n  b: 1"
    change = insert_key(text, ("a", "c"), 2)
    assert change.new_text == "a:\r\n  b: 1\r\n  c: 2"
    assert insert_key("\ufeffx: 1\r\n", ("y",), 2).new_text == "\ufeffx: 1\r\ny: 2\r\n"


def test_key_without_value_gets_its_first_child() -> None:
    text = "a:\nb: 1\n"
    change = insert_key(text, ("a", "c"), 2)
    assert change.new_text == "a:\n  c: 2\nb: 1\n"
    assert rereads(change) == {"a": {"c": 2}, "b": 1}


def test_empty_document_gets_a_mapping() -> None:
    assert insert_key("", ("a", "b"), 1).new_text == "a:\n  b: 1\n"
    assert insert_key("# only a comment\n", ("a",), 1).new_text == "# only a comment\na: 1\n"


def test_key_of_an_anchored_mapping_reaches_its_aliases() -> None:
    text = "base: &b\n  lr: 1\nother: *b\n"
    change = insert_key(text, ("base", "wd"), 2)
    assert change.shared_with == (3,)
    assert rereads(change)["other"] == {"lr": 1, "wd": 2}


def test_existing_key_and_merge_keys_are_refused() -> None:
    with pytest.raises(EditError, match="already set"):
        insert_key(READER, ("EvalReader", "batch_size"), 1)
    with pytest.raises(EditError, match="merges keys with <<"):
        insert_key("a: &a {x: {y: 1}}\nb:\n  <<: *a\n", ("b", "x", "z"), 1)
    with pytest.raises(EditError, match="sample_transforms is a list; use a number"):
        insert_key(READER, ("TrainReader", "sample_transforms", "x"), 1)
    with pytest.raises(EditError, match="sample_transforms.2: no such list entry"):
        insert_key(READER, ("TrainReader", "sample_transforms", 2, "Flip"), {})


def test_numeric_components_of_new_keys_are_strings_like_ppdet_options() -> None:
    change = insert_key(READER, ("New", 0, "x"), 1)
    assert change.new_text.endswith("New:\n  '0':\n    x: 1\n")
    assert rereads(change)["New"] == {"0": {"x": 1}}


def test_merge_key_can_be_overridden_by_a_new_own_key() -> None:
    text = "a: &a {x: 1}\nb:\n  <<: *a\n"
    change = set_value(text, ("b", "x"), 2)
    assert change.new_text == "a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n"
    assert rereads(change) == {"a": {"x": 1}, "b": {"x": 2}}


@pytest.mark.parametrize("index, expected", [
    (0, "l:\n- n\n- a\n- b\n"), (1, "l:\n- a\n- n\n- b\n"), (2, "l:\n- a\n- b\n- n\n")])
def test_block_list_entries(index: int, expected: str) -> None:
    assert insert_item("l:\n- a\n- b\n", ("l",), index, "n").new_text == expected


@pytest.mark.parametrize("index, expected", [
    (0, "l: [n, a, b]\n"), (1, "l: [a, n, b]\n"), (2, "l: [a, b, n]\n")])
def test_flow_list_entries(index: int, expected: str) -> None:
    assert insert_item("l: [a, b]\n", ("l",), index, "n").new_text == expected


def test_list_append_through_set_value() -> None:
    assert set_value("l: []\n", ("l", 0), 1).new_text == "l: [1]\n"
    assert set_value("l:\n  - 1\n", ("l", 1), 2).new_text == "l:\n  - 1\n  - 2\n"
    with pytest.raises(EditError, match="has 1 entries; there is no entry 3"):
        set_value("l: [1]\n", ("l", 3), 2)
