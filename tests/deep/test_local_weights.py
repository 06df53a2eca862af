"""QF106 against ppdet's own loader: local checkpoints written by ppdet (PicoDet-S-320 LCNet,
and the same network for 4 classes), given as pretrain_weights to QAT of another
model or of the same one, counted by qatfix without paddle and by ppdet's match_state_dict."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


COUNT_AT = """import json, sys, paddle
from ppdet.core.workspace import create, load_config, merge_config
from ppdet.utils.checkpoint import match_state_dict
cfg = load_config(sys.argv[1])
merge_config({'num_classes': int(sys.argv[3])})
state = create(cfg.architecture).state_dict()
print(json.dumps([len(match_state_dict(state, paddle.load(sys.argv[2]))), len(state)]))
"""


def _ppdet_at(root: Path, config: str, weights: str, classes: int) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", COUNT_AT, config, str(root / weights),
                           str(classes)], cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded, total = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded, total


def _four_classes(root: Path) -> str:
    path = root / "configs" / "picodet" / "mine_4_classes.yml"
    path.write_text("_BASE_: [picodet_s_320_coco_lcnet.yml]\nnum_classes: 4\n")
    return str(path.relative_to(root))


def test_the_model_is_taken_at_the_users_class_count(checkout: Path) -> None:
    """The model side is the network at the config's num_classes (the class facts of ppdet's
    builds), the class layers those the facts show to follow the class count."""
    mine = _four_classes(checkout)
    # the user's own 4-class float model, quantized at 4 classes: every tensor loads
    own = _slim(checkout, "from_own_4", "output/lcnet_4_classes")
    assert _ppdet_at(checkout, mine, "output/lcnet_4_classes.pdparams", 4)[0] == \
        _ppdet_at(checkout, mine, "output/lcnet_4_classes.pdparams", 4)[1]
    assert findings("--select", "QF106", mine, own, cwd=checkout) == (0, [])
    # the 80-class model into the 4-class one: only the class layers, with ppdet's count
    coco = _slim(checkout, "from_coco_80", "output/lcnet")
    code, found = findings("--select", "QF106", mine, coco, cwd=checkout)
    loaded, total = _ppdet_at(checkout, mine, "output/lcnet.pdparams", 4)
    assert codes(found) == ["QF106"] and found[0]["severity"] == "warning"
    assert (found[0]["data"]["loaded"], found[0]["data"]["tensors"]) == (loaded, total)
    assert "trained for 80 classes, the model has num_classes: 4" in found[0]["message"]
    # the 4-class model into the network at 7 classes (-o): told from the facts too
    code, found = findings("--select", "QF106", LCNET, own, "-o", "num_classes=7",
                           cwd=checkout)
    loaded, total = _ppdet_at(checkout, LCNET, "output/lcnet_4_classes.pdparams", 7)
    assert codes(found) == ["QF106"] and loaded < total
    assert (found[0]["data"]["loaded"], found[0]["data"]["tensors"]) == (loaded, total)
    assert "trained for 4 classes, the model has num_classes: 7" in found[0]["message"]
    # another network at the user's class count is still another network
    code, found = findings("--select", "QF106", ESNET, own, cwd=checkout)
    assert code == 1 and found[0]["severity"] == "error"
    assert "a checkpoint of another network" in found[0]["message"]


def _without_class_facts(tmp: Path) -> Path:
    """qatfix with a registry whose class facts are empty (no network has any): a copy of the
    package beside links to the registry's files, and an empty classes.json."""
    from tests.conftest import REPO

    shutil.copytree(REPO / "qatfix", tmp / "qatfix",
                    ignore=shutil.ignore_patterns("__pycache__"))
    registry = tmp / "registry"
    registry.mkdir()
    for entry in (REPO / "registry").iterdir():
        if entry.name != "signatures":
            (registry / entry.name).symlink_to(entry)
    (registry / "signatures").mkdir()
    for entry in (REPO / "registry" / "signatures").iterdir():
        if entry.name != "classes.json":
            (registry / "signatures" / entry.name).symlink_to(entry)
    (registry / "signatures" / "classes.json").write_text(
        json.dumps({"schema_version": 1, "signatures": {}}))
    return tmp


def test_without_class_facts_it_says_what_was_not_checked(checkout: Path, tmp_path: Path
                                                          ) -> None:
    package = _without_class_facts(tmp_path)

    def findings(*args: str, cwd: Path) -> tuple[int, list[dict[str, Any]]]:
        done = subprocess.run([sys.executable, "-m", "qatfix", "--format", "json", *args],
                              cwd=cwd, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"})
        assert done.stdout, done.stderr
        return done.returncode, json.loads(done.stdout)["findings"]

    mine = _four_classes(checkout)
    own = _slim(checkout, "from_own_4", "output/lcnet_4_classes")
    # the network at another class count than ppdet built it: nothing to count with; QF107
    # (what was not checked, counted so in the summary) instead of a QF106 verdict
    code, found = findings("--select", "QF106,QF107", mine, own, cwd=checkout)
    assert codes(found) == ["QF107"] and found[0]["severity"] == "info"
    message = str(found[0]["message"])
    assert message.startswith("not checked: which tensors of output/lcnet_4_classes (a local "
                              "file) load into this model at num_classes: 4"), message
    assert "--deep" in message and found[0]["location"]["line"] == 1
    # at its own count the tensors are known, not whether those that fail are class layers
    code, found = findings("--select", "QF106,QF107", LCNET, own, cwd=checkout)
    loaded, total = _ppdet(checkout, LCNET, "output/lcnet_4_classes.pdparams")
    assert codes(found) == ["QF107"] and code == 0
    message = str(found[0]["message"])
    assert f"of the model's {total} tensors that output/lcnet_4_classes (a local file) does " \
        f"not load ({loaded} load, by ppdet's match_state_dict)" in message, message
    assert "class layers" in message and "--deep" in message
    # every tensor loading needs no facts: nothing is said
    coco = _slim(checkout, "from_coco_80", "output/lcnet")
    assert findings("--select", "QF106,QF107", LCNET, coco, cwd=checkout) == (0, [])
