"""QF907's measured claim: develop's ppdet cannot export PicoDet-S-320 LCNet with a PTQ slim
config on this paddle (the observers do not convert to a static graph), while post_quant.py is
where calibration happens."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import require, tree

EXPORT = """import os, sys, paddle
root, weights, slim, out = sys.argv[1:5]
sys.path.insert(0, root)
os.chdir(root)
from ppdet.core.workspace import create, load_config, merge_config
from ppdet.engine import Trainer
from ppdet.slim import build_slim_model
cfg = load_config('configs/picodet/picodet_s_320_coco_lcnet.yml')
paddle.save(create(cfg.architecture).state_dict(), weights + '.pdparams')
merge_config({'use_gpu': False, 'pretrain_weights': None})
cfg = build_slim_model(cfg, slim, mode='test')
paddle.set_device('cpu')
Trainer(cfg, mode='test').export(out)
"""


def test_export_with_a_ptq_slim_config_fails_on_this_paddle(tmp_path: Path) -> None:
    require("paddle")
    require("paddleslim")
    root = tree("develop")
    weights = tmp_path / "float_lcnet"
    slim = tmp_path / "picodet_ptq.yml"
    text = (root / "configs" / "slim" / "post_quant" / "picodet_s_ptq.yml").read_text()
    lines = [f"weights: {weights}" if line.startswith("weights:") else line
             for line in text.splitlines()]
    slim.write_text("\n".join(lines) + "\n")  # the official PTQ config, with local weights
    done = subprocess.run([sys.executable, "-c", EXPORT, str(root), str(weights), str(slim),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=900)
    assert done.returncode != 0
    assert "float(Tensor) is not supported in static graph mode" in done.stderr
    assert not (tmp_path / "out" / "picodet_s_320_coco_lcnet" / "model.json").exists()
