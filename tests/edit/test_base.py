"""`_BASE_` lists: block or multi-line flow, trailing commas kept, created when missing."""
from __future__ import annotations

import pytest

from qatfix.edit.primitives import insert_base, set_base
from qatfix.errors import EditError
from tests.edit.helpers import changed_lines, rereads

FLOW = """\
_BASE_: [
  '../datasets/coco_detection.yml',
  '../runtime.yml',
  '_base_/picodet_esnet.yml',
]

weights: x
"""
BLOCK = """\
_BASE_:
  - ../datasets/coco_detection.yml
  - ../runtime.yml
weights: x
"""


def test_replace_an_entry_keeps_quotes_and_comma() -> None:
    change = set_base(FLOW, 2, "_base_/picodet_v2.yml")
    assert changed_lines(FLOW, change.new_text) == [4]
    assert "  '_base_/picodet_v2.yml',\n" in change.new_text


def test_insert_into_multiline_flow_list_with_trailing_comma() -> None:
    change = insert_base(FLOW, 3, "_base_/optimizer_300e.yml")
    assert change.new_text == FLOW.replace("picodet_esnet.yml',\n",
                                           "picodet_esnet.yml',\n  '_base_/optimizer_300e.yml',\n")
    assert change.line == 5
    first = insert_base(FLOW, 0, "a.yml")
    assert first.new_text.startswith("_BASE_: [\n  'a.yml',\n  '../datasets")
    assert rereads(first)["_BASE_"][0] == "a.yml"


def test_insert_into_multiline_flow_list_without_trailing_comma() -> None:
    text = "_BASE_: [\n  'a.yml',\n  'b.yml'\n]\n"
    expected = "_BASE_: [\n  'a.yml',\n  'b.yml',\n  'c.yml'\n]\n"
    assert insert_base(text, 2, "c.yml").new_text == expected
    one_line = "_BASE_: ['a.yml', 'b.yml']\n"
    assert insert_base(one_line, 1, "c.yml").new_text == "_BASE_: ['a.yml', 'c.yml', 'b.yml']\n"


def test_block_list() -> None:
    change = insert_base(BLOCK, 2, "_base_/reader.yml")
    assert change.new_text == BLOCK.replace("  - ../runtime.yml\n",
                                            "  - ../runtime.yml\n  - _base_/reader.yml\n")
    assert set_base(BLOCK, 0, "../datasets/voc.yml").new_text.startswith(
        "_BASE_:\n  - ../datasets/voc.yml\n")


def test_entry_already_listed_changes_nothing() -> None:
    assert not insert_base(FLOW, 0, "../runtime.yml").changed


def test_missing_base_is_created_above_the_first_key() -> None:
    change = insert_base("# model\nweights: x\n", 0, "../runtime.yml")
    assert change.new_text == "# model\n_BASE_: [\n  '../runtime.yml',\n]\nweights: x\n"
    with pytest.raises(EditError, match="only entry 0"):
        insert_base("weights: x\n", 1, "a.yml")


def test_crlf_flow_list() -> None:
    text = FLOW.replace("\n", "\r\n")
    change = insert_base(text, 3, "z.yml")
    assert "  '_base_/picodet_esnet.yml',\r\n  'z.yml',\r\n]\r\n" in change.new_text
