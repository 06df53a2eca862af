"""QF106 against ppdet's own loader: local checkpoints written by ppdet (PicoDet-S-320 LCNet,
and the same network for 4 classes), given as pretrain_weights to QAT of another
model or of the same one, counted by qatfix without paddle and by ppdet's match_state_dict."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.after.helpers import codes, findings
from tests.conftest import require, tree

LCNET = "configs/picodet/picodet_s_320_coco_lcnet.yml"
ESNET = "configs/picodet/legacy_model/picodet_s_320_coco.yml"
SAVE = """import sys, paddle
from ppdet.core.workspace import create, load_config, merge_config
cfg = load_config(sys.argv[1])
if sys.argv[3] != '-':
    merge_config({'num_classes': int(sys.argv[3])})
paddle.save(create(cfg.architecture).state_dict(), sys.argv[2])
"""
COUNT = """import json, sys, paddle
from ppdet.core.workspace import create, load_config
from ppdet.utils.checkpoint import match_state_dict
cfg = load_config(sys.argv[1])
state = create(cfg.architecture).state_dict()
print(json.dumps([len(match_state_dict(state, paddle.load(sys.argv[2]))), len(state)]))
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
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("paddle")
    root = tmp_path_factory.mktemp("PaddleDetection")
    shutil.copytree(tree("develop") / "configs", root / "configs", symlinks=True)
    for path in (root / "configs").rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    (root / "output").mkdir()
    for name, classes in (("lcnet", "-"), ("lcnet_4_classes", "4")):
        subprocess.run([sys.executable, "-c", SAVE, LCNET, str(root / "output" / f"{name}.pdparams"),
                        classes], cwd=root, check=True, capture_output=True, timeout=600)
    return root


def _slim(root: Path, name: str, weights: str) -> str:
    path = root / "configs" / "slim" / f"{name}.yml"
    path.write_text(SLIM.format(weights=weights))
    return str(path.relative_to(root))


def _ppdet(root: Path, config: str, weights: str) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", COUNT, config, str(root / weights)], cwd=root,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded, total = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded, total


def test_another_variant_counted_as_ppdet_counts(checkout: Path) -> None:
    slim = _slim(checkout, "from_lcnet", "output/lcnet")
    code, found = findings("--select", "QF106", ESNET, slim, cwd=checkout)
    assert code == 1 and codes(found) == ["QF106"]
    loaded, total = _ppdet(checkout, ESNET, "output/lcnet.pdparams")
    assert loaded < total
    assert f"{loaded} of the model's {total} tensors load" in found[0]["message"]
    # the same file for its own network: every tensor loads, nothing is said
    loaded, total = _ppdet(checkout, LCNET, "output/lcnet.pdparams")
    assert loaded == total
    assert findings("--select", "QF106", LCNET, slim, cwd=checkout) == (0, [])


def test_another_class_count_is_a_warning_for_qat(checkout: Path) -> None:
    slim = _slim(checkout, "from_4_classes", "output/lcnet_4_classes")
    code, found = findings("--select", "QF106", LCNET, slim, cwd=checkout)
    assert codes(found) == ["QF106"] and found[0]["severity"] == "warning"
    loaded, total = _ppdet(checkout, LCNET, "output/lcnet_4_classes.pdparams")
    assert "trained for 4 classes" in found[0]["message"]
    assert f"{loaded} of its {total} tensors load" in found[0]["message"]
