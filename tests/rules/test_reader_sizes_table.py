"""QF202's edges: the multi-scale training range includes both its ends, and a Resize without
`keep_ratio` keeps the aspect ratio (ppdet's default, operators.py Resize) so it fixes no size."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.run.engine import check
from qatfix.run.plan import Run
from tests.rules.helpers import picodet_tree

#: the range TrainReader's BatchRandomResize draws from in tests/rules/helpers.py READER
TRAIN_LOW, TRAIN_HIGH = 256, 448


def _eval_at(size: int, keep_ratio: str = ", keep_ratio: False") -> str:
    return ("EvalReader:\n  sample_transforms:\n  - Decode: {}\n"
            f"  - Resize: {{interp: 2, target_size: [{size}, {size}]{keep_ratio}}}\n")


def _range_findings(tmp_path: Path, leaf_extra: str) -> list[str]:
    model, slim = picodet_tree(tmp_path, leaf_extra=leaf_extra)
    return [f.message for f in check(Run(model, slim))
            if f.code == "QF202" and "multi-scale training range" in f.message]


@pytest.mark.parametrize("size, outside", [
    (TRAIN_LOW - 32, True), (TRAIN_LOW, False), (320, False), (TRAIN_HIGH, False),
    (TRAIN_HIGH + 32, True),
])
def test_the_training_range_includes_both_ends(tmp_path: Path, size: int, outside: bool) -> None:
    found = _range_findings(tmp_path, _eval_at(size))
    assert bool(found) == outside, found
    if outside:
        assert f"{size}x{size} lies outside the multi-scale training range " \
               f"{TRAIN_LOW}-{TRAIN_HIGH}" in found[0]


def test_an_eval_resize_without_keep_ratio_fixes_no_size(tmp_path: Path) -> None:
    """Without `keep_ratio` the EvalReader keeps the aspect ratio: no fixed size to compare."""
    assert _range_findings(tmp_path, _eval_at(TRAIN_HIGH + 32, keep_ratio="")) == []
    model, slim = picodet_tree(tmp_path / "other", leaf_extra=_eval_at(416, keep_ratio=""))
    assert [f.message for f in check(Run(model, slim)) if f.code == "QF202"] == []


def test_a_test_resize_without_keep_ratio_is_no_other_size(tmp_path: Path) -> None:
    leaf = ("TestReader:\n  inputs_def:\n    image_shape: [1, 3, 320, 320]\n"
            "  sample_transforms:\n  - Resize: {interp: 2, target_size: [416, 416]}\n")
    model, slim = picodet_tree(tmp_path, leaf_extra=leaf)
    assert [f.message for f in check(Run(model, slim)) if f.code == "QF202"] == []
    fixed = leaf.replace("[416, 416]}", "[416, 416], keep_ratio: False}")
    model, slim = picodet_tree(tmp_path / "fixed", leaf_extra=fixed)
    (finding,) = [f for f in check(Run(model, slim)) if f.code == "QF202"]
    assert "TestReader Resize target_size is 416x416" in finding.message, finding.message
