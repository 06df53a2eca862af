"""QF964 against real exports: develop's ppdet exports PicoDet-S-320 LCNet and PP-YOLOE+-S with
and without NMS or post-processing, and what qatfix reads from model.json is what paddle runs
and what run_det.py's own PP-YOLOE post-processing makes of it."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.model.program import read_json
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import require, tree

HERE = Path(__file__).resolve().parent
PICODET = "configs/picodet/picodet_s_320_coco_lcnet.yml"
PPYOLOE = "configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml"
#: folder -> (config, export options)
EXPORTS = {
    "pico_nms": (PICODET, "{}"),
    "pico_benchmark": (PICODET, '{"export": {"benchmark": true}}'),
    "ppyoloe_exclude_nms": (PPYOLOE, '{"exclude_nms": true}'),
    "ppyoloe_exclude_post_process": (PPYOLOE, '{"exclude_post_process": true}'),
}
ACT = """Global:
{extra}  Evaluation: True
  model_dir: ./models/{model}
  model_filename: model.json
  params_filename: model.pdiparams
Distillation:
  alpha: 1.0
  loss: soft_label
QuantAware:
  onnx_format: true
  activation_quantize_type: 'moving_average_abs_max'
  quantize_op_types: [conv2d, depthwise_conv2d]
TrainConfig:
  train_iter: 8000
  eval_iter: 1000
  learning_rate: 0.0001
  optimizer_builder:
    optimizer:
      type: SGD
    weight_decay: 4.0e-05
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deploy/auto_compression folder whose `models/` holds the four exports."""
    require("paddle")
    root = tree("develop")
    run = tmp_path_factory.mktemp("auto_compression")
    (run / "configs").mkdir()
    for folder, (config, options) in EXPORTS.items():
        out = run / "export" / folder
        done = subprocess.run([sys.executable, str(HERE / "export_ppdet.py"), str(root), config,
                               str(out), options], capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        exported = out / Path(config).stem
        (run / "models").mkdir(exist_ok=True)
        exported.rename(run / "models" / folder)
    return run


def _act(run_dir: Path, name: str, model: str, extra: str) -> str:
    path = run_dir / "configs" / f"{name}.yaml"
    path.write_text(ACT.format(extra=extra, model=model), encoding="utf-8")
    return f"configs/{name}.yaml"


def _check(run_dir: Path, act: str) -> tuple[int, list[dict[str, Any]]]:
    return findings("--select", "QF96", act, cwd=run_dir)


def _outputs(model: Path) -> list[Any]:
    """The exported program run by paddle on one 0.5-grey image: its real fetched outputs."""
    paddle = require("paddle")
    import numpy as np

    paddle.enable_static()
    try:
        exe = paddle.static.Executor(paddle.CPUPlace())
        program, names, fetch = paddle.static.load_inference_model(str(model / "model"), exe)
        size = read_json(str(model / "model.json")).feeds["image"][-2:]
        feed = {"image": np.full([1, 3, *size], 0.5, "float32"),
                "scale_factor": np.ones([1, 2], "float32")}
        return exe.run(program, feed={n: feed[n] for n in names}, fetch_list=fetch)
    finally:
        paddle.disable_static()


def _ppyoloe_post_process() -> Any:
    """run_det.py's own PP-YOLOE post-processing, imported from develop's checkout."""
    path = tree("develop") / "deploy" / "auto_compression" / "post_process.py"
    spec = importlib.util.spec_from_file_location("act_post_process", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PPYOLOEPostProcess(score_threshold=0.01, nms_threshold=0.6)


@pytest.mark.parametrize("folder", sorted(EXPORTS))
def test_fetched_shapes_are_what_paddle_runs(run_dir: Path, folder: str) -> None:
    model = run_dir / "models" / folder
    facts = read_json(str(model / "model.json"))
    assert facts is not None
    outputs = _outputs(model)
    assert len(outputs) == len(facts.fetches)
    for shape, array in zip(facts.fetches, outputs):
        assert len(shape) == array.ndim
        assert all(d in (-1, n) for d, n in zip(shape, array.shape))
    assert facts.gives_boxes_and_count == (folder == "pico_nms")


def test_export_without_nms_under_include_nms_true(run_dir: Path) -> None:
    for folder in ("pico_benchmark", "ppyoloe_exclude_nms", "ppyoloe_exclude_post_process"):
        act = _act(run_dir, f"with_nms_{folder}", folder, "  include_nms: True\n")
        code, found = _check(run_dir, act)
        assert code == 1 and codes(found) == ["QF964"], found
        assert "KeyError 'bbox_num'" in found[0]["message"]
        assert found[0]["fix"] is None
    act = _act(run_dir, "with_nms", "pico_nms", "  include_nms: True\n")
    assert _check(run_dir, act) == (0, [])


def test_boxes_after_nms_under_include_nms_false_and_the_fix(run_dir: Path) -> None:
    act = _act(run_dir, "without_nms_pico", "pico_nms",
               "  arch: PPYOLOE\n  include_nms: False\n")
    code, found = _check(run_dir, act)
    assert code == 1 and codes(found) == ["QF964"]
    assert "IndexError" in found[0]["message"]
    # run_det.py's post-processing on the real outputs: what the message says
    outputs = _outputs(run_dir / "models" / "pico_nms")
    with pytest.raises(IndexError):
        _ppyoloe_post_process()(outputs[0], [[1.0, 1.0]])
    applied = qatfix("--apply", "--select", "QF964", act, cwd=run_dir)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "include_nms: True\n" in (run_dir / act).read_text()  # the file's own spelling
    assert _check(run_dir, act) == (0, [])


def test_ppyoloe_post_processing_needs_the_export_without_post_process(run_dir: Path) -> None:
    raw = _act(run_dir, "without_nms_raw", "ppyoloe_exclude_post_process",
               "  arch: PPYOLOE\n  include_nms: False\n")
    assert _check(run_dir, raw) == (0, [])
    scale = [[1.0, 1.0]]
    result = _ppyoloe_post_process()(
        _outputs(run_dir / "models" / "ppyoloe_exclude_post_process")[0], scale)
    assert set(result) == {"bbox", "bbox_num"}

    two = _act(run_dir, "without_nms_two", "ppyoloe_exclude_nms",
               "  arch: PPYOLOE\n  include_nms: False\n")
    code, found = _check(run_dir, two)
    assert code == 1 and codes(found) == ["QF964"]
    assert "no class scores" in found[0]["message"]
    result = _ppyoloe_post_process()(_outputs(run_dir / "models" / "ppyoloe_exclude_nms")[0],
                                     scale)
    assert len(result["bbox"]) == 0 and len(result["bbox_num"]) == 0
