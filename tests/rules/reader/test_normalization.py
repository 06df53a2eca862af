"""QF204: PP-YOLOE+ weights fine-tuned or quantized through PP-YOLOE's reader, and its fix."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.model.normalization import Normalization, from_arguments, reader_normalization
from tests.slim.helpers import copy_tree, findings, of_code, qatfix

MODEL = "configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml"
PLUS = "https://paddledet.bj.bcebos.com/models/ppyoloe_plus_crn_l_80e_coco.pdparams"
QAT = f"""\
pretrain_weights: {PLUS}
slim: QAT
QAT:
  quant_config: {{weight_quantize_type: channel_wise_abs_max, activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8, dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


def test_norm_type_none_is_mean_zero_std_one_as_ppdet_computes_it() -> None:
    none = from_arguments({"mean": [0.5, 0.5, 0.5], "std": [2, 2, 2], "norm_type": "none"})
    assert none == Normalization(1, (0.0,) * 3, (1.0,) * 3)
    default = from_arguments({})
    assert default is not None and "ImageNet" in default.describe()
    assert from_arguments({"is_scale": "yes"}) is None  # ppdet raises TypeError on it


def test_centernet_training_reader_scales_in_flip_warp_affine() -> None:
    reader = {("TrainReader", "sample_transforms"): [
        {"Decode": {}}, {"FlipWarpAffine": {"input_h": 512}},
        {"NormalizeImage": {"mean": [0.4, 0.4, 0.4], "std": [0.3, 0.3, 0.3], "is_scale": False}}]}
    found = reader_normalization(lambda key: reader.get(key), "TrainReader")
    assert found is not None and found.divisions == 1 and "scaled to [0, 1]" in found.describe()


PLUS_MODEL = "configs/ppyoloe/my_plus_l.yml"


@pytest.fixture
def ppyoloe(tmp_path: Path) -> Path:
    root = copy_tree("develop", tmp_path / "tree", "ppyoloe")
    official = (root / "configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml").read_text(encoding="utf-8")
    assert "'./_base_/ppyoloe_plus_reader.yml'" in official
    (root / PLUS_MODEL).write_text(official.replace("ppyoloe_plus_reader.yml", "ppyoloe_reader.yml"),
                                   encoding="utf-8")
    (root / "configs" / "slim").mkdir()
    (root / "configs" / "slim" / "qat_plus.yml").write_text(QAT, encoding="utf-8")
    return root


@pytest.mark.corpus
def test_plus_weights_through_the_ppyoloe_reader_and_the_reader_fix(ppyoloe: Path) -> None:
    found = findings(PLUS_MODEL, "configs/slim/qat_plus.yml", "--select", "QF204", cwd=ppyoloe)
    (qf204,) = of_code(found, "QF204")
    assert qf204["severity"] == "warning"
    assert qf204["location"]["path"] == "configs/ppyoloe/_base_/ppyoloe_reader.yml"
    assert qf204["message"].startswith("TrainReader and EvalReader NormalizeImage give ImageNet")
    assert "ppyoloe_plus_crn_l_80e_coco" in qf204["message"]
    fix = qf204["fix"]
    assert fix["safety"] == "safe" and fix["value"] == "./_base_/ppyoloe_plus_reader.yml"
    before = (ppyoloe / PLUS_MODEL).read_text(encoding="utf-8")
    done = qatfix(PLUS_MODEL, "configs/slim/qat_plus.yml", "--select", "QF204", "--apply",
                  cwd=ppyoloe)
    assert done.returncode == 0, (done.stdout, done.stderr)
    after = (ppyoloe / PLUS_MODEL).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [("  './_base_/ppyoloe_reader.yml',", "  './_base_/ppyoloe_plus_reader.yml',")]
    assert of_code(findings(PLUS_MODEL, "configs/slim/qat_plus.yml", cwd=ppyoloe), "QF204") == []


@pytest.mark.corpus
def test_the_weights_of_this_reader_are_clean_and_a_weights_fix_wins(ppyoloe: Path) -> None:
    own = "configs/slim/qat_own.yml"
    (ppyoloe / own).write_text(QAT.replace("ppyoloe_plus_crn_l_80e_coco", "ppyoloe_crn_l_300e_coco"),
                               encoding="utf-8")
    assert of_code(findings(MODEL, own, cwd=ppyoloe), "QF204") == []
    # PP-YOLOE+ weights on a PP-YOLOE network: the weights are what is wrong (QF105 proposes
    # PP-YOLOE's), so QF204 offers no reader fix, and once the weights are fixed it is gone
    (qf204,) = of_code(findings(MODEL, "configs/slim/qat_plus.yml", cwd=ppyoloe), "QF204")
    assert qf204["fix"] is None
    # qat_plus.yml loads the PP-YOLOE+ weights (it was written for PP-YOLOE+): the weights fix
    # for PP-YOLOE goes into a slim file of its own, which the run then names
    done = qatfix(MODEL, "configs/slim/qat_plus.yml", "--apply", cwd=ppyoloe)
    own_slim = "configs/slim/ppyoloe_crn_l_300e_coco_qat.yml"
    assert f"fixed {own_slim}" in done.stderr, done.stderr
    assert f"--slim_config {own_slim}" in done.stderr
    assert "ppyoloe_reader.yml" in (ppyoloe / MODEL).read_text(encoding="utf-8")
    assert of_code(findings(MODEL, own_slim, cwd=ppyoloe), "QF204") == []
