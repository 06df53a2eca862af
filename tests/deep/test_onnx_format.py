"""QF906 against ppdet's own loader: PicoDet-S-320 LCNet quantized by ppdet's QAT slim with
onnx_format true and false (real paddle, ppdet and PaddleSlim), each checkpoint exported under the
other format, what qatfix says against what ppdet's match_state_dict loads, and the fix applied."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.model.checkpoint import read_checkpoint
from qatfix.model.quant_format import qat_layout
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import require, tree
from tests.deep import make_checkpoints

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
QAT = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"
#: ppdet builds the QAT model of a slim config and counts what match_state_dict loads of a
#: checkpoint into it (ppdet/slim build_slim_model, then load_pretrain_weight's matching)
LOADS = """import json, sys, paddle
sys.path.insert(0, sys.argv[1])
from ppdet.core.workspace import create, load_config
from ppdet.utils.checkpoint import match_state_dict
cfg = load_config(sys.argv[2])
load_config(sys.argv[3])
model = create(cfg.slim)(create(cfg.architecture))
state = model.state_dict()
weights = paddle.load(sys.argv[4])
print(json.dumps([len(match_state_dict(state, weights)), len(state)]))
"""


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """release-2.6's configs (writable) and the two QAT checkpoints under output/."""
    require("paddle")
    require("paddleslim")
    source = tree("release-2.6")
    root = tmp_path_factory.mktemp("PaddleDetection")
    shutil.copytree(source / "configs", root / "configs")
    (root / "ppdet").symlink_to(source / "ppdet")
    for path in (root / "configs").rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    (root / "output").mkdir()
    for value in ("true", "false"):
        make_checkpoints.make(source, root / "output", "--onnx-format", value)
    return root


def _ppdet_loads(root: Path, slim: str, weights: Path) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", LOADS, str(tree("release-2.6")), MODEL, slim,
                           str(weights)], cwd=root, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded, total = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded, total


def _export(root: Path, weights: str, *extra: str) -> list[str]:
    return [*extra, "python", "tools/export_model.py", "-c", MODEL, "--slim_config", QAT, "-o",
            f"weights={weights}"]


def test_layouts_are_read_from_the_tensor_names(tree_copy: Path) -> None:
    true = qat_layout(read_checkpoint(str(tree_copy / "output" / "qat_onnx_true.pdparams")).shapes)
    false = qat_layout(read_checkpoint(str(tree_copy / "output" /
                                           "qat_onnx_false.pdparams")).shapes)
    assert true is not None and true.onnx_format is True and true.true_model is None
    assert false is not None and false.onnx_format is False
    assert false.true_model == true.total  # the model onnx_format true builds
    assert true.unquantized == false.unquantized > 0


def test_false_checkpoint_under_the_true_default_and_the_fix(tree_copy: Path) -> None:
    weights = tree_copy / "output" / "qat_onnx_false.pdparams"
    loaded, total = _ppdet_loads(tree_copy, QAT, weights)  # PaddleSlim 2.6.0: onnx_format true
    code, found = findings(*_export(tree_copy, "output/qat_onnx_false", "--select", "QF906"),
                           cwd=tree_copy)
    assert code == 1 and codes(found) == ["QF906"]
    message = found[0]["message"]
    assert f"{total - loaded} of the model's {total} tensors" in message
    assert "the default of PaddleSlim 2.6.0" in message
    assert found[0]["fix"]["safety"] == "safe"

    applied = qatfix(*_export(tree_copy, "output/qat_onnx_false", "--apply", "--select",
                              "QF906"), cwd=tree_copy)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "'onnx_format': false" in (tree_copy / QAT).read_text()
    assert findings(*_export(tree_copy, "output/qat_onnx_false", "--select", "QF906"),
                    cwd=tree_copy) == (0, [])
    # after the fix ppdet loads every tensor of the model it builds
    loaded, total = _ppdet_loads(tree_copy, QAT, weights)
    assert loaded == total


def test_true_checkpoint_with_onnx_format_false(tree_copy: Path) -> None:
    slim = tree_copy / "configs" / "slim" / "quant" / "picodet_onnx_false.yml"
    text = (tree("release-2.6") / QAT).read_text()
    slim.write_text(text.replace("'quantizable_layer_type': ['Conv2D', 'Linear']",
                                 "'quantizable_layer_type': ['Conv2D', 'Linear'], "
                                 "'onnx_format': False"))
    rel = str(slim.relative_to(tree_copy))
    weights = tree_copy / "output" / "qat_onnx_true.pdparams"
    loaded, total = _ppdet_loads(tree_copy, rel, weights)
    code, found = findings("--select", "QF906", "python", "tools/eval.py", "-c", MODEL,
                           "--slim_config", rel, "-o", "weights=output/qat_onnx_true",
                           cwd=tree_copy)
    assert code == 1 and codes(found) == ["QF906"]
    layout = qat_layout(read_checkpoint(str(weights)).shapes)
    assert layout is not None and f"their {layout.unquantized} tensors" in found[0]["message"]
    # what ppdet leaves unloaded: those tensors, and the output scales of the wrapped layers
    assert total - loaded >= layout.unquantized
    assert found[0]["location"]["line"] > 1 and "(set in the config)" in found[0]["message"]
