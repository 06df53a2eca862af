"""QF302/QF303/QF304: QAT learning rate and DropBlock, and PTQ's unused batch count."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import missing
from tests.slim.helpers import copy_tree, findings, of_code, qatfix

PPYOLOE = "configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml"
PPYOLOE_QAT = "configs/slim/quant/ppyoloe_l_qat.yml"
PPYOLO = "configs/ppyolo/ppyolo_r50vd_dcn_1x_coco.yml"
DARKNET_QAT = "configs/slim/quant/yolov3_darknet_qat.yml"
PTQ = "configs/slim/post_quant/ppyoloe_crn_s_300e_coco_ptq.yml"


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    return copy_tree("develop", tmp_path / "tree", "ppyoloe", "ppyolo", "yolov3", "slim")


@pytest.mark.corpus
def test_a_short_qat_schedule_at_the_float_learning_rate(tree_copy: Path) -> None:
    slim = tree_copy / PPYOLOE_QAT
    text = slim.read_text(encoding="utf-8")
    assert "  base_lr: 0.001\n" in text
    assert of_code(findings(PPYOLOE, PPYOLOE_QAT, cwd=tree_copy), "QF302") == []
    slim.write_text(text.replace("  base_lr: 0.001\n", "  base_lr: 0.01\n"), encoding="utf-8")
    (qf302,) = of_code(findings(PPYOLOE, PPYOLOE_QAT, cwd=tree_copy), "QF302")
    assert qf302["severity"] == "warning"
    assert qf302["message"].startswith("QAT fine-tunes with 30 epochs at the float recipe's "
                                       "base_lr 0.01")
    assert (qf302["location"]["path"], qf302["location"]["line"]) == (PPYOLOE_QAT, 14)
    # the whole float recipe re-run (no schedule in the slim config) is only an info
    (full,) = of_code(findings("configs/yolov3/yolov3_mobilenet_v1_270e_coco.yml",
                               "configs/slim/quant/yolov3_mobilenet_v1_qat.yml", cwd=tree_copy),
                      "QF302")
    assert full["severity"] == "info" and "270 epochs" in full["message"]


@pytest.mark.corpus
def test_drop_block_left_on_in_qat_and_its_fix(tree_copy: Path) -> None:
    assert of_code(findings(PPYOLO, "configs/slim/quant/ppyolo_r50vd_qat_pact.yml",
                            cwd=tree_copy), "QF303") == []
    (qf303,) = of_code(findings(PPYOLO, DARKNET_QAT, cwd=tree_copy), "QF303")
    assert qf303["location"]["path"] == "configs/ppyolo/_base_/ppyolo_r50vd_dcn.yml"
    assert qf303["fix"]["safety"] == "safe"
    done = qatfix(PPYOLO, DARKNET_QAT, "--select", "QF303", "--apply", cwd=tree_copy)
    assert done.returncode == 0, (done.stdout, done.stderr)
    text = (tree_copy / DARKNET_QAT).read_text(encoding="utf-8")
    assert "PPYOLOFPN:\n  drop_block: false\n" in text
    assert of_code(findings(PPYOLO, DARKNET_QAT, cwd=tree_copy), "QF303") == []


@pytest.mark.corpus
def test_ptq_batch_count_under_ptq_does_nothing_and_its_fix(tree_copy: Path) -> None:
    model = "configs/ppyoloe/ppyoloe_crn_s_300e_coco.yml"
    assert of_code(findings(model, PTQ, cwd=tree_copy), "QF304") == []
    slim = tree_copy / PTQ
    slim.write_text(slim.read_text(encoding="utf-8").replace("quant_batch_num: 10",
                                                             "quant_batch_num: 64"),
                    encoding="utf-8")
    (qf304,) = of_code(findings(model, PTQ, cwd=tree_copy), "QF304")
    assert "calibrates on 11 batches" in qf304["message"]
    done = qatfix(model, PTQ, "--select", "QF304", "--apply", cwd=tree_copy)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "\nquant_batch_num: 64\n" in slim.read_text(encoding="utf-8")
    assert of_code(findings(model, PTQ, cwd=tree_copy), "QF304") == []


@pytest.mark.corpus
def test_a_recipe_documented_for_eight_gpus_pasted_with_fewer(tree_copy: Path) -> None:
    model = "configs/yolov3/yolov3_mobilenet_v1_270e_coco.yml"
    distill = "configs/slim/distill/yolov3_mobilenet_v1_coco_distill.yml"
    single = findings("python", "tools/train.py", "-c", model, "--slim_config", distill,
                      cwd=tree_copy)
    (qf305,) = of_code(single, "QF305")
    assert qf305["message"].startswith("this command trains on 1 GPU x batch_size 8 = 8 images "
                                       "a step, but base_lr 0.001 is the documented recipe's "
                                       "for 8 GPUs x 8 = 64")
    assert "base_lr 0.000125" in qf305["message"]
    eight = ["python", "-m", "paddle.distributed.launch", "--gpus", "0,1,2,3,4,5,6,7"]
    assert of_code(findings(*eight, "tools/train.py", "-c", model, "--slim_config", distill,
                            cwd=tree_copy), "QF305") == []
    # a launch without --gpus uses every visible device: unknown, so nothing is said
    assert of_code(findings("python", "-m", "paddle.distributed.launch", "tools/train.py", "-c",
                            model, "--slim_config", distill, cwd=tree_copy), "QF305") == []
    # the learning rate scaled for the batch, given with -o, is what the rule asks for
    assert of_code(findings("python", "tools/train.py", "-c", model, "--slim_config", distill,
                            "-o", "LearningRate.base_lr=0.000125", cwd=tree_copy), "QF305") == []
    assert of_code(findings("-c", model, "--slim_config", distill, cwd=tree_copy), "QF305") == []


def test_onnx_format_is_ignored_before_paddleslim_2_4() -> None:
    from qatfix.rules.quant.dead_keys import ignored_keys

    config = {"weight_quantize_type": "channel_wise_abs_max", "onnx_format": True}
    assert ignored_keys(config, "2.3.0") == [("onnx_format", "2.4.0")]
    assert ignored_keys(config, "2.4.0") == [] and ignored_keys(config, "2.6.0") == []
    assert ignored_keys(config, "2.3.0rc1") == [("onnx_format", "2.4.0")]


@pytest.mark.corpus
def test_onnx_format_with_the_installed_paddleslim(tree_copy: Path) -> None:
    from importlib import metadata

    try:
        version = metadata.version("paddleslim")
    except metadata.PackageNotFoundError:
        missing("paddleslim is not installed")
    slim = tree_copy / PPYOLOE_QAT
    slim.write_text(slim.read_text(encoding="utf-8").replace(
        "'quantizable_layer_type': ['Conv2D', 'Linear']}",
        "'quantizable_layer_type': ['Conv2D', 'Linear'], 'onnx_format': True}"), encoding="utf-8")
    assert "onnx_format" in slim.read_text(encoding="utf-8")
    found = of_code(findings(PPYOLOE, PPYOLOE_QAT, cwd=tree_copy), "QF306")
    assert found == [] if tuple(map(int, version.split(".")[:2])) >= (2, 4) else len(found) == 1
