"""The measured rows of the known-bad table, and the paddle that wrote a model, read from a
program paddle itself saved."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qatfix.model.environment import model_writer
from tests.after.helpers import findings, qatfix
from tests.conftest import require, tree

#: develop's ppdet exports PicoDet-S-320 LCNet with its QAT slim config, as
#: tools/export_model.py --slim_config does (build_slim_model in test mode, Trainer.export)
QAT_EXPORT = """import os, sys
root, out = sys.argv[1:3]
sys.path.insert(0, root)
os.chdir(root)
import paddle
from ppdet.core.workspace import create, load_config, merge_config
from ppdet.engine import Trainer
from ppdet.slim import build_slim_model
cfg = load_config('configs/picodet/picodet_s_320_coco_lcnet.yml')
weights = os.path.join(out, 'float')
paddle.save(create(cfg.architecture).state_dict(), weights + '.pdparams')
merge_config({'use_gpu': False, 'pretrain_weights': None, 'weights': weights})
cfg = build_slim_model(cfg, 'configs/slim/quant/picodet_s_416_lcnet_quant.yml', mode='test')
paddle.set_device('cpu')
Trainer(cfg, mode='test').export(out)
"""
#: a program saved by paddle's old-IR static API (model.pdmodel, a ProgramDesc protobuf)
LEGACY = """import sys, paddle
paddle.enable_static()
x = paddle.static.data('x', [None, 4], 'float32')
y = paddle.static.nn.fc(x, 2)
exe = paddle.static.Executor(paddle.CPUPlace())
exe.run(paddle.static.default_startup_program())
paddle.static.save_inference_model(sys.argv[1] + '/model', [x], [y], exe)
print(paddle.__version__)
"""


def test_qat_export_fails_on_paddle_3_and_check_says_so(tmp_path: Path) -> None:
    paddle = require("paddle")
    require("paddleslim")
    root = tree("develop")
    done = subprocess.run([sys.executable, "-c", QAT_EXPORT, str(root), str(tmp_path)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode != 0
    assert "fake_quantize_dequantize_moving_average_abs_max should be one of" in done.stderr
    # qatfix, on the pasted export command of that run
    code, found = findings("python", "tools/export_model.py", "-c",
                           "configs/picodet/picodet_s_320_coco_lcnet.yml", "--slim_config",
                           "configs/slim/quant/picodet_s_416_lcnet_quant.yml", cwd=root)
    rows = [f for f in found if f["code"] == "QF990"]
    assert len(rows) == 1 and code == 1
    assert f"paddle {paddle.__version__}" in rows[0]["message"]
    # not for the float export of the same model
    _, found = findings("python", "tools/export_model.py", "-c",
                        "configs/picodet/picodet_s_320_coco_lcnet.yml", cwd=root)
    assert "QF990" not in {f["code"] for f in found}


def test_the_paddle_that_wrote_a_legacy_program(tmp_path: Path) -> None:
    require("paddle")
    done = subprocess.run([sys.executable, "-c", LEGACY, str(tmp_path)], capture_output=True,
                          text=True, timeout=600,
                          env={**os.environ, "FLAGS_enable_pir_api": "0"})
    assert done.returncode == 0, done.stderr[-2000:]
    written_by = done.stdout.strip().splitlines()[-1]
    writer = model_writer(str(tmp_path))
    assert writer is not None and writer.version == written_by
    report = json.loads(qatfix("doctor", "--format", "json", "--model_dir", str(tmp_path),
                               cwd=tmp_path).stdout)
    assert report["model"]["version"] == written_by
    row = next(c for c in report["combinations"]
               if c["combination"] == "model exported by another paddle")
    assert row["problem"] is None and row["not_checked"] == []
