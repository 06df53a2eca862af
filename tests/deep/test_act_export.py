"""End to end: export PicoDet-S-320 LCNet with develop's own ppdet and paddle (ppdet's exporter,
paddle.jit.save; the session fixture `run_dir` in conftest.py), then check develop's ACT configs
against the exported model."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from qatfix.model.program import read_json
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import require
from tests.deep.conftest import ACT


def _act_copy(run_dir: Path, tmp_path: Path) -> Path:
    """The ACT config copied, so a test may edit it; model_dir still points at the export."""
    act = run_dir / "configs" / f"{tmp_path.name}.yaml"
    shutil.copy(run_dir / ACT, act)
    return act


def test_feeds_are_paddles_own(run_dir: Path) -> None:
    paddle = require("paddle")
    model = run_dir / "models" / "picodet_s_320_coco_lcnet"
    paddle.enable_static()
    try:
        program, names, _ = paddle.static.load_inference_model(
            str(model / "model"), paddle.static.Executor(paddle.CPUPlace()))
    finally:
        paddle.disable_static()
    facts = read_json(str(model / "model.json"))
    read = facts.feeds if facts else None
    assert read is not None and list(read) == list(names)
    assert read["image"][-2:] == [320, 320]


def test_shipped_config_names_model_pdmodel_and_the_fix_is_model_json(run_dir: Path,
                                                                      tmp_path: Path) -> None:
    act = _act_copy(run_dir, tmp_path)
    rel = f"configs/{act.name}"
    code, found = findings("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                           "--act_config_path", rel, cwd=run_dir)
    assert code == 1 and codes(found) == ["QF961"]
    assert "paddle 3 writes the program as model.json" in found[0]["message"]
    applied = qatfix("--apply", "python", "run_det.py", "--config",
                     "configs/picodet_320_reader.yml", "--act_config_path", rel, cwd=run_dir)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert findings("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                    "--act_config_path", rel, cwd=run_dir) == (0, [])
    # and PaddleSlim's own loader opens what the fix names (and fails on the old name)
    script = ("import sys, paddle; paddle.enable_static()\n"
              "from paddleslim.common import load_inference_model\n"
              "exe = paddle.static.Executor(paddle.CPUPlace())\n"
              "_, names, _ = load_inference_model(sys.argv[1], exe, model_filename=sys.argv[2], "
              "params_filename='model.pdiparams')\nprint(names)\n")
    require("paddleslim")
    model = str(run_dir / "models" / "picodet_s_320_coco_lcnet")
    good = subprocess.run([sys.executable, "-c", script, model, "model.json"],
                          capture_output=True, text=True, timeout=300)
    assert good.returncode == 0 and "['image', 'scale_factor']" in good.stdout, good.stderr[-2000:]
    bad = subprocess.run([sys.executable, "-c", script, model, "model.pdmodel"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0


def test_the_416_reader_against_the_exported_320_model(run_dir: Path, tmp_path: Path) -> None:
    act = _act_copy(run_dir, tmp_path)
    rel = f"configs/{act.name}"
    code, found = findings("--select", "QF95", "python", "run_det.py", "--config",
                           "configs/picodet_416_reader.yml", "--act_config_path", rel,
                           cwd=run_dir)
    assert code == 1 and codes(found) == ["QF951", "QF952"]
    size = found[0] if found[0]["code"] == "QF951" else found[1]
    assert size["severity"] == "error"
    assert "models/picodet_s_320_coco_lcnet/infer_cfg.yml" in size["message"]
    assert "--config configs/picodet_320_reader.yml" in size["message"]


def test_input_list_against_the_programs_feeds(run_dir: Path, tmp_path: Path) -> None:
    act = _act_copy(run_dir, tmp_path)
    text = act.read_text().replace("Global:\n",
                                   "Global:\n  input_list: ['image', 'im_shape', 'scale_factor']\n")
    act.write_text(text.replace("model.pdmodel", "model.json"))
    rel = f"configs/{act.name}"
    code, found = findings("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                           "--act_config_path", rel, cwd=run_dir)
    assert code == 1 and codes(found) == ["QF963"]
    assert "var im_shape not in this block" in found[0]["message"]
    qatfix("--apply", "python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
           "--act_config_path", rel, cwd=run_dir)
    assert findings("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                    "--act_config_path", rel, cwd=run_dir) == (0, [])
