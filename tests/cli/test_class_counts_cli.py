"""Users' own datasets, as users run them: a config of their own beside the official ones in a
PaddleDetection checkout (`_BASE_` an official config, set `num_classes`), started from the
official weights, checked by `python -m qatfix --format json` in a fresh process from the
checkout's root. The figures are ppdet's (see tests/truth/test_class_count_truth.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.registry import load_registry
from tests.conftest import tree

pytestmark = pytest.mark.corpus

QAT = """\
pretrain_weights: {url}
slim: QAT
QAT:
  quant_config: {{weight_quantize_type: channel_wise_abs_max,
    activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8,
    dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


def url(name: str) -> str:
    found = [e for e in load_registry().get_name(name) if e.kind in ("detector", "pretrained")]
    assert found, name
    return found[0].url


def user_checkout(tmp_path: Path, name: str = "develop") -> Path:
    """A PaddleDetection checkout of the shared tree `name` with a `configs/mydata/` folder of
    the user's own: every other file is the tree's (symbolic links)."""
    source = tree(name)
    root = tmp_path / name
    (root / "configs" / "mydata").mkdir(parents=True)
    for item in source.iterdir():
        if item.name != "configs":
            os.symlink(item, root / item.name)
    for item in (source / "configs").iterdir():
        os.symlink(item, root / "configs" / item.name)
    return root


def write(root: Path, name: str, text: str) -> str:
    path = root / "configs" / "mydata" / name
    path.write_text(text, encoding="utf-8")
    return f"configs/mydata/{name}"


def check(root: Path, *args: str, expect: int | None = None) -> dict[str, Any]:
    """The JSON report of one run; `expect`: the exit code it must have (else 0 or 1)."""
    done = subprocess.run([sys.executable, "-m", "qatfix", "--format", "json", *args], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in ((0, 1) if expect is None else (expect,)), done.stderr
    return json.loads(done.stdout)


def codes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["code"]: f for f in report["findings"]}


def test_picodet_m_at_5_classes_in_qat_names_the_class_layers(tmp_path: Path) -> None:
    root = user_checkout(tmp_path)
    model = write(root, "picodet_m_5.yml",
                  "_BASE_: [../picodet/picodet_m_416_coco_lcnet.yml]\nnum_classes: 5\n")
    slim = write(root, "quant.yml", QAT.format(url=url("picodet_m_416_coco_lcnet")))
    found = codes(check(root, "-c", model, "--slim_config", slim))
    assert "QF101" not in found and "QF107" not in found
    assert found["QF104"]["severity"] == "warning"
    assert (found["QF104"]["data"]["loaded"], found["QF104"]["data"]["tensors"]) == (527, 543)
    assert "527 of 543 state-dict tensors load" in found["QF104"]["message"]
    assert "16 class layers" in found["QF104"]["message"]


def test_yolov3_voc_at_4_classes_from_its_own_weights_is_no_other_network(tmp_path: Path) -> None:
    root = user_checkout(tmp_path)
    model = write(root, "yolov3_4.yml",
                  "_BASE_: [../yolov3/yolov3_mobilenet_v1_ssld_270e_voc.yml]\nnum_classes: 4\n")
    weights = url("yolov3_mobilenet_v1_ssld_270e_voc")
    found = codes(check(root, "-c", model, "-o", f"pretrain_weights={weights}"))
    assert "QF101" not in found and "QF107" not in found
    assert found["QF104"]["severity"] == "info"
    data = found["QF104"]["data"]
    assert data["class_layers"] == 6 and data["tensors"] - data["loaded"] == 6


def test_fairmot_at_4_classes_counts_the_4_class_model(tmp_path: Path) -> None:
    root = user_checkout(tmp_path)
    model = write(root, "fairmot_4.yml",
                  "_BASE_: [../mot/fairmot/fairmot_dla34_30e_1088x608.yml]\nnum_classes: 4\n")
    slim = write(root, "quant.yml", QAT.format(url=url("fairmot_dla34_30e_1088x608")))
    found = codes(check(root, "-c", model, "--slim_config", slim))
    assert "QF101" not in found and "QF107" not in found
    assert (found["QF104"]["data"]["loaded"], found["QF104"]["data"]["tensors"]) == (347, 349)


def test_more_classes_than_the_weights_names_the_same_class_layers(tmp_path: Path) -> None:
    """A dataset with more classes than COCO's 80: the class layers grow instead of shrinking,
    and are the same 16 tensors ppdet drops by shape."""
    root = user_checkout(tmp_path)
    model = write(root, "picodet_m_90.yml",
                  "_BASE_: [../picodet/picodet_m_416_coco_lcnet.yml]\nnum_classes: 90\n")
    slim = write(root, "quant.yml", QAT.format(url=url("picodet_m_416_coco_lcnet")))
    report = check(root, "-c", model, "--slim_config", slim, expect=1)
    found = codes(report)
    assert sorted(found) == ["QF104", "QF302", "QF501"]
    assert found["QF104"]["severity"] == "warning"
    assert found["QF104"]["data"] == {"weights": "picodet_m_416_coco_lcnet", "loaded": 527,
                                      "tensors": 543, "class_layers": 16}
    assert "16 class layers train from scratch for 90 classes" in found["QF104"]["message"]


@pytest.mark.parametrize(("config", "weights"), [
    ("keypoint/hrnet/hrnet_w32_256x192.yml", "hrnet_w32_256x192"),
    ("keypoint/higherhrnet/higherhrnet_hrnet_w32_512.yml", "higherhrnet_hrnet_w32_512"),
    ("keypoint/tiny_pose/tinypose_128x96.yml", "tinypose_128x96"),
])
def test_keypoint_num_classes_changes_no_tensor(tmp_path: Path, config: str, weights: str) -> None:
    root = user_checkout(tmp_path)
    model = write(root, "keypoint_4.yml", f"_BASE_: [../{config}]\nnum_classes: 4\n")
    slim = write(root, "quant.yml", QAT.format(url=url(weights)))
    found = codes(check(root, "-c", model, "--slim_config", slim, expect=0))
    assert not {"QF101", "QF104", "QF107"} & set(found), found
    # what is reported is the QAT recipe's notes, nothing about the weights
    assert sorted(found) == ["QF302", "QF501"], found


def test_pruning_list_on_a_network_whose_names_are_the_same_layers_is_silent() -> None:
    root = tree("develop")
    found = codes(check(root, "-c", "configs/solov2/solov2_r50_fpn_1x_coco.yml", "--slim_config",
                        "configs/slim/prune/faster_rcnn_r50_fpn_prune_fpgm.yml", expect=1))
    assert "QF701" not in found
    # the weights are judged (Faster R-CNN's, another network); only the pruning list is silent
    assert sorted(found) == ["QF101"], found
    assert found["QF101"]["message"].startswith("pretrain_weights faster_rcnn_r50_fpn_1x_coco ")


def test_pruning_list_on_another_network_names_the_layers_it_hits() -> None:
    root = tree("develop")
    found = codes(check(root, "-c", "configs/picodet/picodet_s_320_coco_lcnet.yml",
                        "--slim_config", "configs/slim/prune/yolov3_prune_l1_norm.yml"))
    data = found["QF701"]["data"]
    assert data["layers"]["conv2d_27.w_0"] == "backbone.blocks6.1.dw_conv.conv.weight"
    assert "conv2d_27.w_0" in data["other_layers"]
    assert "conv2d_27.w_0 = backbone.blocks6.1.dw_conv.conv.weight here" in \
        found["QF701"]["message"]


def test_a_network_without_a_ppdet_build_is_said_not_checked() -> None:
    root = tree("develop")
    weights = url("faster_rcnn_swin_tiny_fpn_1x_coco")
    report = check(root, "configs/faster_rcnn/faster_rcnn_swin_tiny_fpn_1x_coco.yml", "-o",
                   f"pretrain_weights={weights}", "num_classes=4")
    found = codes(report)
    assert found["QF107"]["severity"] == "info" and "--deep" in found["QF107"]["message"]
    assert report["summary"]["unchecked"] >= 1


def test_a_checkout_of_a_release_without_builds_is_said(tmp_path: Path) -> None:
    root = user_checkout(tmp_path, "release-2.6")
    (root / "setup.py").unlink()
    (root / "setup.py").write_text('PPDET_VERSION = "2.5.0"\n', encoding="utf-8")
    model = write(root, "yolov3_4.yml",
                  "_BASE_: [../yolov3/yolov3_mobilenet_v1_270e_voc.yml]\nnum_classes: 4\n")
    report = check(root, model)
    found = codes(report)
    assert "2.5.0" in found["QF107"]["message"] and report["summary"]["unchecked"] >= 1


@pytest.mark.parametrize(("config", "loaded", "tensors"), [
    ("smalldet/visdrone/ppyoloe_crn_s_p2_alpha_80e_visdrone.yml", 417, 517),
    ("smalldet/visdrone/ppyoloe_plus_sod_crn_s_80e_visdrone.yml", 416, 477),
])
def test_recipe_starts_that_load_in_part_give_the_figure(tmp_path: Path, config: str, loaded: int,
                                                         tensors: int) -> None:
    root = tree("develop")
    found = codes(check(root, f"configs/{config}"))
    assert set(found) == {"QF101"} and found["QF101"]["severity"] == "info"
    data = found["QF101"]["data"]
    assert (data["loaded"], data["tensors"], data["recipe_start"]) == (loaded, tensors, True)
    assert f"{loaded} of {tensors} state-dict tensors load" in found["QF101"]["message"]
    start = check(root, f"configs/{config}")["findings"][0]["message"].split()[1]
    slim = tmp_path / "qat.yml"
    slim.write_text(QAT.format(url=url(start)), encoding="utf-8")
    in_qat = codes(check(root, "-c", f"configs/{config}", "--slim_config", str(slim)))
    assert in_qat["QF101"]["severity"] == "error"


def test_dino_of_release_2_6_on_its_checkout_at_4_classes(tmp_path: Path) -> None:
    root = user_checkout(tmp_path, "release-2.6")
    model = write(root, "dino_4.yml",
                  "_BASE_: [../dino/dino_r50_4scale_1x_coco.yml]\nnum_classes: 4\n")
    weights = url("dino_r50_4scale_1x_coco")
    found = codes(check(root, model, "-o", f"pretrain_weights={weights}"))
    assert "QF101" not in found and "QF107" not in found and "QF108" not in found
    assert (found["QF104"]["data"]["loaded"], found["QF104"]["data"]["tensors"]) == (563, 578)


def test_dino_of_release_2_6_on_a_develop_checkout_names_the_renamed_component(
        tmp_path: Path) -> None:
    root = user_checkout(tmp_path, "develop")
    old = tree("release-2.6") / "configs" / "dino" / "_base_" / "dino_r50.yml"
    write(root, "dino_r50_2_6.yml", old.read_text(encoding="utf-8"))
    model = write(root, "dino_4.yml",
                  "_BASE_: [../dino/dino_r50_4scale_1x_coco.yml, dino_r50_2_6.yml]\n"
                  "num_classes: 4\n")
    found = codes(check(root, model))
    assert found["QF108"]["severity"] == "error"
    assert found["QF108"]["data"]["component"] == "DETRBBoxPostProcess"
    assert "DETRPostProcess" in found["QF108"]["message"]
    assert found["QF108"]["location"]["path"].endswith("dino_r50_2_6.yml")


DINO_4 = "_BASE_: [../dino/dino_r50_4scale_1x_coco.yml]\nnum_classes: 4\n"


def _own_ppdet(root: Path) -> Path:
    """The checkout's ppdet/ as a folder of its own (links to the tree's files), so a test may
    add files to it without touching the shared tree."""
    package = root / "ppdet"
    source = package.resolve()
    package.unlink()
    package.mkdir()
    for item in source.iterdir():
        os.symlink(item, package / item.name)
    return package


def test_dino_of_release_2_6_on_its_checkout_at_4_classes_in_qat(tmp_path: Path) -> None:
    root = user_checkout(tmp_path, "release-2.6")
    model = write(root, "dino_4.yml", DINO_4)
    slim = write(root, "quant.yml", QAT.format(url=url("dino_r50_4scale_1x_coco")))
    report = check(root, "-c", model, "--slim_config", slim)
    found = codes(report)
    assert not {"QF101", "QF107", "QF108"} & set(found), found
    assert found["QF104"]["severity"] == "warning"
    assert (found["QF104"]["data"]["loaded"], found["QF104"]["data"]["tensors"]) == (563, 578)
    assert report["summary"]["unchecked"] == 0


@pytest.mark.parametrize(("setup", "version", "said"), [
    # the version ppdet reports, written by an installation, without setup.py
    (None, "2.5.0", "declares version 2.5.0"),
    # setup.py and the installed version disagree: a checkout switched after installing
    ("2.6.0", "2.5.0", "declares version 2.6.0 in setup.py and 2.5.0 in ppdet/version.py"),
])
def test_a_checkout_whose_ppdet_reports_a_release_without_builds_is_said(
        tmp_path: Path, setup: str | None, version: str, said: str) -> None:
    root = user_checkout(tmp_path, "release-2.6")
    (root / "setup.py").unlink()
    if setup is not None:
        (root / "setup.py").write_text(f'PPDET_VERSION = "{setup}"\n', encoding="utf-8")
    (_own_ppdet(root) / "version.py").write_text(
        f"# THIS FILE IS GENERATED FROM PADDLEPADDLE SETUP.PY\n#\nfull_version    = '{version}'\n"
        "commit          = 'unknown'\n", encoding="utf-8")
    model = write(root, "dino_4.yml", DINO_4)
    slim = write(root, "quant.yml", QAT.format(url=url("dino_r50_4scale_1x_coco")))
    for args in ((model, "-o", f"pretrain_weights={url('dino_r50_4scale_1x_coco')}"),
                 ("-c", model, "--slim_config", slim)):
        report = check(root, *args)
        found = codes(report)
        assert said in found["QF107"]["message"] and "--deep" in found["QF107"]["message"]
        assert report["summary"]["unchecked"] >= 1


def test_a_checkout_without_a_version_is_known_by_its_source(tmp_path: Path) -> None:
    # develop's source without setup.py: develop's component names (release-2.6's DINO
    # post-process is not registered there)
    root = user_checkout(tmp_path, "develop")
    (root / "setup.py").unlink()
    old = tree("release-2.6") / "configs" / "dino" / "_base_" / "dino_r50.yml"
    write(root, "dino_r50_2_6.yml", old.read_text(encoding="utf-8"))
    model = write(root, "dino_4.yml",
                  "_BASE_: [../dino/dino_r50_4scale_1x_coco.yml, dino_r50_2_6.yml]\n"
                  "num_classes: 4\n")
    found = codes(check(root, model))
    assert found["QF108"]["data"]["component"] == "DETRBBoxPostProcess"
    assert "QF107" not in found
    # a source of neither tree (a fork's changed file) that declares no version: said
    package = _own_ppdet(root)
    (package / "fork_notes.py").write_text("# a fork's own module\n", encoding="utf-8")
    report = check(root, model)
    assert "declares no version" in codes(report)["QF107"]["message"]
    assert report["summary"]["unchecked"] >= 1
