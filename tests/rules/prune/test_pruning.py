"""QF701/QF702: official pruning lists on other networks, and pruner settings ppdet refuses."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.model.pruning import pruner_arguments
from tests.slim.helpers import copy_tree, findings, of_code, qatfix

PICODET = "configs/picodet/picodet_s_320_coco_lcnet.yml"
YOLOV3_MV1 = "configs/yolov3/yolov3_mobilenet_v1_270e_voc.yml"
YOLOV3_MV3 = "configs/yolov3/yolov3_mobilenet_v3_large_270e_coco.yml"
L1_LIST = "configs/slim/prune/yolov3_prune_l1_norm.yml"
BAD = """\
pretrain_weights: https://paddledet.bj.bcebos.com/models/yolov3_mobilenet_v1_270e_voc.pdparams
slim: Pruner
Pruner:
  criterion: L1Norm
  pruned_params: ['conv2d_27.w_0', 'conv2d_28.w_0', 'conv2d_27.w_0']
  pruned_ratios: [0.3, 1.2]
  print_params: False
"""


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    root = copy_tree("develop", tmp_path / "tree", "picodet", "yolov3", "slim")
    (root / "configs" / "slim" / "bad_prune.yml").write_text(BAD, encoding="utf-8")
    return root


def test_the_pruner_section_follows_the_slim_type() -> None:
    assert pruner_arguments({"slim": "Pruner", "Pruner": {"criterion": "fpgm"}}) is not None
    distill = pruner_arguments({"slim": "DistillPrune", "pruner": "Pruner", "Pruner": {}})
    assert distill is not None and distill.key == "Pruner"
    assert pruner_arguments({"slim": "QAT", "Pruner": {}}) is None


@pytest.mark.corpus
def test_the_yolov3_list_on_picodet_and_on_another_backbone(tree_copy: Path) -> None:
    (picodet,) = of_code(findings(PICODET, L1_LIST, cwd=tree_copy), "QF701")
    assert picodet["severity"] == "warning" and picodet["fix"] is None
    assert (picodet["location"]["path"], picodet["location"]["line"]) == (L1_LIST, 7)
    assert "official list of configs/slim/prune/yolov3_prune_l1_norm.yml" in picodet["message"]
    assert "PicoDet with LCNet" in picodet["message"]
    (mv3,) = of_code(findings(YOLOV3_MV3, L1_LIST, cwd=tree_copy), "QF701")
    assert "MobileNetV3" in mv3["message"]
    assert of_code(findings(YOLOV3_MV1, L1_LIST, cwd=tree_copy), "QF701") == []


@pytest.mark.corpus
def test_pruner_settings_ppdet_refuses_or_paddleslim_bends(tree_copy: Path) -> None:
    slim = "configs/slim/bad_prune.yml"
    found = of_code(findings(YOLOV3_MV1, slim, cwd=tree_copy), "QF702")
    messages = sorted((f["severity"], f["message"].split(":")[0]) for f in found)
    assert messages == [
        ("error", "Pruner has 3 pruned_params but 2 pruned_ratios"),
        ("error", "Pruner.criterion 'L1Norm' is not one of l1_norm, fpgm"),
        ("error", "Pruner.pruned_ratios[1] is 1.2, outside [0, 1)"),
        ("warning", "Pruner.pruned_params names 'conv2d_27.w_0' twice (entries 0 and 2)"),
    ]
    done = qatfix(YOLOV3_MV1, slim, "--select", "QF702", "--apply", "--unsafe-fixes",
                  cwd=tree_copy)
    assert "fixed configs/slim/bad_prune.yml" in done.stderr, (done.stdout, done.stderr)
    assert "  criterion: l1_norm\n" in (tree_copy / slim).read_text(encoding="utf-8")
    left = of_code(findings(YOLOV3_MV1, slim, cwd=tree_copy), "QF702")
    assert not [f for f in left if "criterion" in f["message"]] and len(left) == 3
