"""`qatfix inspect` on checkpoints written by ppdet and PaddleSlim: the same facts QF901 and
QF106 judge with (float or QAT, which config, the load figure, which official weights), in a
fresh process, against ppdet's own match_state_dict."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.after.helpers import findings, qatfix
from tests.conftest import require, tree
from tests.deep import make_checkpoints

pytestmark = [pytest.mark.paddle, pytest.mark.corpus]

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
QUANT = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet_quant.pdparams"
FLOAT = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
#: ppdet's own count: tensors of the float model that load from a checkpoint
COUNT = """import json, sys
sys.path.insert(0, sys.argv[1])
import paddle
from ppdet.core.workspace import create, load_config
from ppdet.utils.checkpoint import match_state_dict
cfg = load_config(sys.argv[1] + '/' + sys.argv[2])
state = create(cfg.architecture).state_dict()
print(json.dumps([len(match_state_dict(state, paddle.load(sys.argv[3]))), len(state)]))
"""
SLIM = """pretrain_weights: {weights}
slim: QAT
QAT:
  quant_config: {{weight_quantize_type: channel_wise_abs_max, activation_quantize_type:
    moving_average_abs_max, weight_bits: 8, activation_bits: 8, dtype: int8, window_size: 10000,
    moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """float.pdparams (ppdet's PicoDet-S-320 LCNet) and qat_onnx_true.pdparams (the same model
    after ppdet's QAT slim with PaddleSlim), each from a fresh process."""
    require("paddle")
    require("paddleslim")
    root = tree("release-2.6")
    out = tmp_path_factory.mktemp("checkpoints")
    make_checkpoints.make(root, out)
    make_checkpoints.make(root, out, "--onnx-format", "true")
    return out


def inspect(path: Path) -> tuple[str, dict[str, Any]]:
    text = qatfix("inspect", str(path), cwd=path.parent)
    data = qatfix("inspect", str(path), "--format", "json", cwd=path.parent)
    assert text.returncode == 0 and data.returncode == 0, text.stderr + data.stderr
    return text.stdout, json.loads(data.stdout)


def ppdet_count(path: Path) -> list[int]:
    root = tree("release-2.6")
    done = subprocess.run([sys.executable, "-c", COUNT, str(root), MODEL, str(path)], cwd=root,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_float_checkpoint_is_the_float_model_not_the_quantized_weights(written: Path) -> None:
    text, data = inspect(written / "float.pdparams")
    assert data["kind"] == "float" and data["onnx_format"] is None
    assert data["config"] == MODEL and data["tensors"] == 463
    assert [data["loads"]["loaded"], data["loads"]["total"]] == ppdet_count(
        written / "float.pdparams") == [463, 463]
    by_url = {m["url"]: m for m in data["matches"]}
    assert by_url[FLOAT]["how"] == "signature" and by_url[FLOAT]["kind"] == "float"
    assert QUANT not in by_url  # QAT weights are another checkpoint, though of the same network
    assert all(m["kind"] == "float" for m in data["matches"])
    first = text.splitlines()[0]
    assert first.startswith(f"{written / 'float.pdparams'}: float checkpoint of {MODEL} (")
    assert first.endswith("all 463 of that model's tensors load")
    assert "picodet_s_416_coco_lcnet_quant" not in text


def test_qat_checkpoint_is_recognised_with_the_figure_qf901_and_qf106_give(written: Path,
                                                                          tmp_path: Path) -> None:
    qat = written / "qat_onnx_true.pdparams"
    text, data = inspect(qat)
    assert data["tensors"] == 1247
    assert data["kind"] == "qat" and data["onnx_format"] is True and data["config"] == MODEL
    figure = [data["loads"]["loaded"], data["loads"]["total"]]
    assert figure == ppdet_count(qat) == [349, 463]
    by_url = {m["url"]: m for m in data["matches"]}
    assert by_url[QUANT]["how"] == "signature" and by_url[QUANT]["kind"] == "qat"
    assert by_url[QUANT]["slim_config"] == "configs/slim/quant/picodet_s_416_lcnet_quant.yml"
    assert FLOAT not in by_url
    first = text.splitlines()[0]
    assert f"QAT checkpoint (onnx_format true) of {MODEL} (" in first
    assert first.endswith("349 of that float model's 463 tensors load without its slim config")
    assert "none of" not in text

    # QF901 (eval without the slim config) says the same of the same file
    root = tree("release-2.6")
    code, found = findings("python", "tools/eval.py", "-c", MODEL, "-o", f"weights={qat}",
                           cwd=root)
    (qf901,) = [f for f in found if f["code"] == "QF901"]
    assert "QAT checkpoint" in qf901["message"]
    assert "349 of the model's 463 tensors load" in qf901["message"]

    # QF106 (the QAT file as pretrain_weights of another QAT run) counts the same tensors
    slim = tmp_path / "qat_again.yml"
    slim.write_text(SLIM.format(weights=qat))
    code, found = findings("-c", MODEL, "--slim_config", str(slim), cwd=root)
    (qf106,) = [f for f in found if f["code"] == "QF106"]
    assert "a QAT checkpoint" in qf106["message"]
    assert dict(qf106["data"])["loaded"] == 349 and dict(qf106["data"])["total"] == 463
