"""Replacing values in place: only the value's characters change."""
from __future__ import annotations

import pytest

from qatfix.config import Tagged
from qatfix.edit.primitives import replace_value, set_value
from qatfix.errors import EditError
from tests.edit.helpers import changed_lines, rereads
from tests.edit.reference import TaggedValue

PICODET = """\
_BASE_: [
  '../datasets/coco_detection.yml',
  '../runtime.yml',
]
weights: output/picodet/model_final
pretrain_weights: https://paddledet.bj.bcebos.com/models/pretrained/LCNet_x0_75_pretrained.pdparams
find_unused_parameters: True
use_ema: true
epoch: 300   # long schedule
LearningRate:
  base_lr: 0.32
  schedulers:
  - !CosineDecay
    max_epochs: 300
  - !LinearWarmup
    start_factor: 0.1
    steps: 300
TrainReader:
  sample_transforms:
  - Decode: {}
  - RandomCrop: {}
  batch_transforms:
  - BatchRandomResize: {target_size: [256, 288, 320, 352, 384], random_size: True}
  - NormalizeImage: {is_scale: true, mean: [0.485,0.456,0.406], std: [0.229, 0.224,0.225]}
  batch_size: 64
"""


def test_plain_scalar_keeps_its_inline_comment() -> None:
    change = replace_value(PICODET, ("epoch",), 120)
    assert change.new_text == PICODET.replace("epoch: 300   #", "epoch: 120   #")
    assert change.line == 9 and rereads(change)["epoch"] == 120


def test_capitalised_boolean_stays_capitalised() -> None:
    change = replace_value(PICODET, ("find_unused_parameters",), False)
    assert "find_unused_parameters: False\n" in change.new_text
    assert replace_value(PICODET, ("use_ema",), False).new_text.count("use_ema: false\n") == 1


def test_value_inside_flow_list_keeps_neighbours_spacing() -> None:
    path = ("TrainReader", "batch_transforms", 1, "NormalizeImage", "mean")
    change = replace_value(PICODET, path, [0.5, 0.456, 0.406])
    assert "mean: [0.5,0.456,0.406], std: [0.229, 0.224,0.225]}" in change.new_text
    assert changed_lines(PICODET, change.new_text) == [24]


def test_single_entry_of_a_flow_list() -> None:
    path = ("TrainReader", "batch_transforms", 0, "BatchRandomResize", "target_size", 2)
    change = replace_value(PICODET, path, 416)
    assert "[256, 288, 416, 352, 384]" in change.new_text
    assert rereads(change)["TrainReader"]["batch_transforms"][0]["BatchRandomResize"][
        "target_size"][2] == 416


def test_flow_list_of_another_length_is_rewritten_in_place() -> None:
    path = ("TrainReader", "batch_transforms", 0, "BatchRandomResize", "target_size")
    change = replace_value(PICODET, path, [320, 416])
    assert "{target_size: [320, 416], random_size: True}" in change.new_text


def test_inside_tagged_mapping_keeps_the_tag() -> None:
    change = replace_value(PICODET, ("LearningRate", "schedulers", 0, "max_epochs"), 120)
    assert "  - !CosineDecay\n    max_epochs: 120\n" in change.new_text
    assert rereads(change)["LearningRate"]["schedulers"][0] == TaggedValue(
        "!CosineDecay", {"max_epochs": 120})


def test_scientific_float_gets_a_dot_and_signed_exponent() -> None:
    change = replace_value(PICODET, ("LearningRate", "base_lr"), 1e-5)
    assert "  base_lr: 1.0e-05\n" in change.new_text
    assert rereads(change)["LearningRate"]["base_lr"] == 1e-5


@pytest.mark.parametrize("value", ["1e-4", "yes", "Off", "null", "010", "1:20", "2020-01-01",
                                   "", " padded", "a: b", "#x", "- x", "[x]", "it's", "~",
                                   "multi\nline", "tab\there"])
def test_strings_that_plain_yaml_would_retype_are_quoted(value: str) -> None:
    change = replace_value(PICODET, ("weights",), value)
    assert rereads(change)["weights"] == value
    assert changed_lines(PICODET, change.new_text) == [5]


def test_quoted_string_keeps_its_quotes() -> None:
    text = "a: 'x'\nb: \"y\"\nc: 'x'\n"
    change = replace_value(text, ("a",), "plain")
    assert change.new_text == "a: 'plain'\nb: \"y\"\nc: 'x'\n"
    assert replace_value(text, ("b",), "it's").new_text == "a: 'x'\nb: \"it's\"\nc: 'x'\n"
    assert replace_value(text, ("c",), "it's").new_text == "a: 'x'\nb: \"y\"\nc: \"it's\"\n"


def test_quoted_number_becomes_a_plain_number_when_the_value_is_a_number() -> None:
    change = replace_value("lr: '0.01'\n", ("lr",), 0.02)
    assert change.new_text == "lr: 0.02\n"


def test_setting_the_current_value_changes_nothing() -> None:
    assert not set_value(PICODET, ("epoch",), 300).changed
    assert not set_value(PICODET, ("find_unused_parameters",), True).changed
    assert not set_value("a: 1.0\n", ("a",), 1.0).changed
    assert set_value("a: 1.0\n", ("a",), 1).new_text == "a: 1\n"  # an int is not the float


def test_crlf_bom_and_missing_final_newline_are_kept() -> None:
    text = "\ufeffa: 1\r\nb: [1, 2]\r\nc: x"
    change = replace_value(text, ("c",), "y")
    assert change.new_text == "\ufeffa: 1\r\nb: [1, 2]\r\nc: y"
    assert replace_value(text, ("b", 1), 3).new_text == "\ufeffa: 1\r\nb: [1, 3]\r\nc: x"


def test_multiline_flow_mapping_changes_one_line() -> None:
    text = ("quant_config: {\n"
            "    'activation_preprocess_type': 'PACT',\n"
            "    'weight_quantize_type': 'channel_wise_abs_max', 'activation_bits': 8,\n"
            "    'quantizable_layer_type': ['Conv2D', 'Linear']}\n")
    change = replace_value(text, ("quant_config", "weight_quantize_type"), "abs_max")
    assert changed_lines(text, change.new_text) == [3]
    assert "'weight_quantize_type': 'abs_max', 'activation_bits': 8," in change.new_text


def test_anchored_scalar_changes_every_alias_and_says_so() -> None:
    text = "eval_height: &eval_height 640\nEvalReader:\n  size: [*eval_height, 640]\n" \
           "TestReader:\n  h: *eval_height\n"
    change = replace_value(text, ("eval_height",), 320)
    assert change.new_text.startswith("eval_height: &eval_height 320\n")
    assert change.anchors == ("eval_height",) and change.shared_with == (3, 5)
    assert "also changes *eval_height at lines 3, 5" == change.sharing_note()
    data = rereads(change)
    assert data["EvalReader"]["size"] == [320, 640] and data["TestReader"]["h"] == 320


def test_value_inside_anchored_mapping_reports_the_aliases() -> None:
    text = "base: &b {lr: 0.1}\nother: *b\n"
    change = replace_value(text, ("base", "lr"), 0.2)
    assert change.new_text == "base: &b {lr: 0.2}\nother: *b\n" and change.shared_with == (2,)


def test_editing_through_an_alias_is_refused() -> None:
    text = "a: &x 1\nb: *x\nc: &m {k: 1}\nd: *m\n"
    with pytest.raises(EditError, match=r"b is an alias \(\*x\); edit its anchor &x at line 1"):
        replace_value(text, ("b",), 2)
    with pytest.raises(EditError, match="d is an alias"):
        set_value(text, ("d", "k"), 2)


def test_duplicate_keys_edit_the_last_one_like_pyyaml() -> None:
    text = "a: 1\nb: 2\na: 3\n"
    change = replace_value(text, ("a",), 4)
    assert change.new_text == "a: 1\nb: 2\na: 4\n" and rereads(change) == {"a": 4, "b": 2}


def test_tags_stay_and_a_core_tag_of_another_type_goes() -> None:
    text = "a: !!str 12\nb: !!float 1\nc: !Custom x\n"
    assert replace_value(text, ("a",), "13").new_text.startswith("a: !!str '13'\n")
    assert "b: !!float 2.5\n" in replace_value(text, ("b",), 2.5).new_text
    assert "a: 13\n" in replace_value(text, ("a",), 13).new_text
    assert "c: !Custom y\n" in replace_value(text, ("c",), Tagged("!Custom", "y")).new_text


def test_empty_value_gets_one() -> None:
    text = "a:\nb:   # why\nc: {x: , y: 1}\n"
    change = set_value(text, ("a",), 5)
    assert change.new_text.startswith("a: 5\n")
    assert "b: 6  # why\n" in set_value(text, ("b",), 6).new_text
    assert "c: {x: 7, y: 1}" in set_value(text, ("c", "x"), 7).new_text


def test_block_scalar_is_replaced_up_to_its_last_line() -> None:
    text = "a: |\n  one\n  two\n\nb: 1\n"
    assert replace_value(text, ("a",), "x").new_text == "a: x\n\nb: 1\n"


def test_block_collection_of_another_shape_is_refused() -> None:
    with pytest.raises(EditError, match="block mapping; set its entries one by one"):
        replace_value(PICODET, ("LearningRate",), 1)
    with pytest.raises(EditError, match="block list"):
        replace_value(PICODET, ("TrainReader", "sample_transforms"), [])


def test_missing_keys_and_wrong_kinds_are_clear_errors() -> None:
    with pytest.raises(EditError, match="nope is not set in this file"):
        replace_value(PICODET, ("nope",), 1)
    with pytest.raises(EditError, match="epoch is a scalar"):
        replace_value(PICODET, ("epoch", "x"), 1)
    with pytest.raises(EditError, match="has 2 entries; there is no entry 5"):
        replace_value(PICODET, ("TrainReader", "sample_transforms", 5), 1)
    with pytest.raises(EditError, match="is a list; use a number"):
        replace_value(PICODET, ("TrainReader", "sample_transforms", "x"), 1)


def test_numeric_component_also_matches_a_string_key() -> None:
    text = "m:\n  '1': a\n  2: b\n"
    assert replace_value(text, ("m", 1), "z").new_text == "m:\n  '1': z\n  2: b\n"
    assert replace_value(text, ("m", 2), "z").new_text == "m:\n  '1': a\n  2: z\n"
