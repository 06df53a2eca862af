"""Fixes judged over every run that reads the file they edit, the model zoo's own slim config
first, runnable fix commands and folders refused as -c / --slim_config: the CLI in fresh
processes on a copy of the develop tree."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require, tree

LCNET_416 = "configs/picodet/picodet_s_416_coco_lcnet.yml"
LCNET_320 = "configs/picodet/picodet_s_320_coco_lcnet.yml"
PPYOLOE_QAT = "configs/slim/quant/ppyoloe_l_qat.yml"
PPYOLOE_L = "configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml"
PICODET_416_QAT = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"


def qatfix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "qatfix", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def findings(root: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = qatfix(root, "--format", "json", *args)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (root / "configs").rglob("*") if p.is_file()}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.mark.corpus
@pytest.mark.parametrize("args", [
    ("-c", "configs/picodet", "--slim_config", "configs/slim/quant/picodet_s_quant.yml"),
    ("-c", LCNET_320, "--slim_config", "configs/slim/quant"),
    ("-c", "configs/picodet", "--slim_config", "configs/slim/quant/picodet_s_quant.yml", "--apply"),
])
def test_a_folder_as_config_or_slim_config_is_a_usage_error(copy: Path, args: tuple[str, ...]
                                                            ) -> None:
    before = files(copy)
    result = qatfix(copy, *args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "is a folder: name one config in it" in result.stderr
    assert "Traceback" not in result.stderr
    assert files(copy) == before


@pytest.mark.corpus
def test_another_models_slim_config_gets_the_zoo_config_for_this_model_first(copy: Path) -> None:
    (finding,) = [f for f in findings(copy, "-c", LCNET_416, "--slim_config", PPYOLOE_QAT)
                  if f["code"] == "QF101"]
    message = finding["message"]
    assert "another detector: PP-YOLOE in weights, PicoDet in model" in message
    assert "YOLOv3" not in message and "legacy model superseded" not in message
    fix = finding["fix"]
    assert fix["safety"] == "safe" and fix["edits"] == []
    assert fix["title"].endswith(
        f"python tools/train.py -c {LCNET_416} --slim_config {PICODET_416_QAT}")
    in_place = [a for a in finding["alternatives"] if a["edits"]
                and a["edits"][0]["path"] == PPYOLOE_QAT]
    assert in_place and all(a["safety"] == "unsafe" for a in in_place)
    assert in_place[0]["reason"] == (
        f"it changes -c {PPYOLOE_L} --slim_config {PPYOLOE_QAT} too: 0 of 753 state-dict tensors "
        "would load instead of 753 of 753")

    before = files(copy)
    result = qatfix(copy, "-c", LCNET_416, "--slim_config", PPYOLOE_QAT, "--apply")
    assert result.returncode == 1
    assert files(copy) == before  # PP-YOLOE's recipe stays PP-YOLOE's
    assert (f"run with: python tools/train.py -c {LCNET_416} --slim_config {PICODET_416_QAT}"
            in result.stderr)
    assert qatfix(copy, "-c", LCNET_416, "--slim_config", PICODET_416_QAT,
                  "--fail-on", "error").returncode == 0
    assert qatfix(copy, "-c", PPYOLOE_L, "--slim_config", PPYOLOE_QAT,
                  "--fail-on", "error").returncode == 0


@pytest.mark.corpus
def test_ptq_new_slim_file_is_run_with_post_quant(copy: Path) -> None:
    slim = "configs/slim/post_quant/picodet_s_ptq.yml"
    new = "configs/slim/post_quant/picodet_s_320_coco_lcnet_ptq.yml"
    (finding,) = [f for f in findings(copy, "python", "tools/post_quant.py", "-c", LCNET_320,
                                      "--slim_config", slim) if f["code"] == "QF101"]
    fix = finding["fix"]
    assert fix["safety"] == "safe" and [e["path"] for e in fix["edits"]] == [new]
    assert f"then run python tools/post_quant.py -c {LCNET_320} --slim_config {new}" in fix["title"]
    assert "tools/train.py" not in fix["title"]
    result = qatfix(copy, "--apply", "python", "tools/post_quant.py", "-c", LCNET_320,
                    "--slim_config", slim)
    assert result.returncode == 1, result.stderr  # the report is of the run as it was
    assert f"fixed {new}" in result.stderr and "applied 1 fix" in result.stderr
    assert f"run with: python tools/post_quant.py -c {LCNET_320} --slim_config {new}" in result.stderr
    assert (copy / new).read_text().startswith("_BASE_: [picodet_s_ptq.yml]\nweights: ")


@pytest.mark.corpus
def test_every_fix_command_starts_with_python(copy: Path) -> None:
    for args in (("-c", LCNET_320, "--slim_config", "configs/slim/quant/picodet_s_quant.yml"),
                 ("-c", LCNET_416, "--slim_config", PPYOLOE_QAT)):
        for finding in findings(copy, *args):
            for fix in ([finding["fix"]] if finding["fix"] else []) + finding["alternatives"]:
                for script in re.finditer(r"tools/\w+\.py", fix["title"]):
                    assert fix["title"][:script.start()].endswith("python "), fix["title"]


def qat_checkpoint(path: Path, config: str) -> None:
    """A QAT model_final as ppdet saves it: the quantized layers' kernels under
    `conv._layer.weight` with fake-quant scales (shapes from the config's ppdet-built signature)."""
    import pickle

    numpy = require("numpy")
    from qatfix.registry.signatures import signature_of

    signature = signature_of("develop", config)
    assert signature is not None
    state = {}
    for key, shape in signature.shapes.items():
        if key.endswith("conv.weight"):
            state[key.replace("conv.weight", "conv._layer.weight")] = numpy.zeros(shape, "float32")
            state[key.replace("conv.weight", "conv._fake_quant_weight._scale")] = numpy.zeros(
                (shape[0],), "float32")
        else:
            state[key] = numpy.zeros(shape, "float32")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(state, protocol=4))


@pytest.mark.corpus
@pytest.mark.parametrize("script", ["eval.py", "export_model.py"])
def test_qf901_names_the_slim_config_the_output_folder_names(copy: Path, script: str) -> None:
    qat_checkpoint(copy / "output" / "picodet_s_quant" / "model_final.pdparams", LCNET_320)
    weights = "output/picodet_s_quant/model_final"
    (finding,) = [f for f in findings(copy, "python", f"tools/{script}", "-c", LCNET_320, "-o",
                                      f"weights={weights}") if f["code"] == "QF901"]
    slim = "configs/slim/quant/picodet_s_quant.yml"
    command = f"python tools/{script} -c {LCNET_320} --slim_config {slim} -o weights={weights}"
    assert f"run instead: {command}" in finding["message"]
    assert "THE_QAT_CONFIG" not in finding["message"]
    assert finding["fix"]["safety"] == "safe" and finding["fix"]["title"].endswith(command)
    # two slim configs with that name: none is guessed
    other = copy / "configs" / "slim" / "picodet_s_quant.yml"
    other.write_text((copy / slim).read_text())
    (finding,) = [f for f in findings(copy, "python", f"tools/{script}", "-c", LCNET_320, "-o",
                                      f"weights={weights}") if f["code"] == "QF901"]
    assert "THE_QAT_CONFIG.yml" in finding["message"] and finding["fix"] is None


QAT_416 = """\
pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams
slim: QAT
QAT:
  quant_config: {activation_preprocess_type: PACT, weight_quantize_type: channel_wise_abs_max,
    activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8,
    dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}
  print_model: False
"""


@pytest.mark.corpus
def test_qf201_offers_the_reader_base_the_weights_were_trained_at(copy: Path) -> None:
    model = copy / "configs" / "picodet" / "my_picodet_s_640.yml"
    model.write_text((copy / LCNET_416).read_text().replace("picodet_416_reader", "picodet_640_reader"))
    slim = copy / "configs" / "slim" / "quant" / "my_qat.yml"
    slim.write_text(QAT_416)
    args = ("-c", "configs/picodet/my_picodet_s_640.yml", "--slim_config", "configs/slim/quant/my_qat.yml")
    (finding,) = [f for f in findings(copy, *args) if f["code"] == "QF201"]
    assert "trained at 416x416, but the readers use 640x640" in finding["message"]
    fix = finding["fix"]
    assert fix["safety"] == "unsafe" and "float training too" in fix["reason"]
    assert fix["title"].startswith("Point _BASE_ at _base_/picodet_416_reader.yml instead of "
                                   "_base_/picodet_640_reader.yml")
    (edit,) = fix["edits"]
    assert edit["path"] == "configs/picodet/my_picodet_s_640.yml"
    assert edit["old_text"] == "  '_base_/picodet_640_reader.yml',\n"
    assert edit["new_text"] == "  '_base_/picodet_416_reader.yml',\n"
    before = files(copy)
    assert qatfix(copy, *args, "--apply").returncode == 1 and files(copy) == before  # not safe
    applied = qatfix(copy, *args, "--apply", "--unsafe-fixes")
    assert applied.returncode == 0, applied.stderr
    assert "fixed configs/picodet/my_picodet_s_640.yml" in applied.stderr
    after = qatfix(copy, "--format", "json", *args)
    assert after.returncode == 0, after.stderr
    # the QAT recipe's infos stay; the size warning is gone
    assert sorted(f["code"] for f in json.loads(after.stdout)["findings"]) == ["QF302", "QF501"]
