"""Local checkpoints written by real paddle, ppdet and PaddleSlim, read without paddle."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.model.checkpoint import kind_against, read_checkpoint
from qatfix.model.matching import match_state_dict
from tests.after.helpers import codes, findings
from tests.conftest import require, tree
from tests.deep import make_checkpoints

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
QAT = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"


@pytest.fixture(scope="session")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("paddle")
    require("paddleslim")
    root = tree("release-2.6")
    out = tmp_path_factory.mktemp("checkpoints")
    make_checkpoints.make(root, out)
    return out


def test_shapes_are_paddles_own(checkpoints: Path) -> None:
    paddle = require("paddle")
    for name in ("float", "qat"):
        path = checkpoints / f"{name}.pdparams"
        loaded = paddle.load(str(path))
        assert read_checkpoint(str(path)).shapes == {
            k: tuple(v.shape) for k, v in loaded.items() if not k.endswith("@@")}


def test_qat_float_and_pruned_are_told_apart(checkpoints: Path) -> None:
    float_ = read_checkpoint(str(checkpoints / "float.pdparams"))
    qat = read_checkpoint(str(checkpoints / "qat.pdparams"))
    assert not float_.is_qat and qat.is_qat
    assert kind_against(float_, float_.shapes).kind == "float"
    assert kind_against(qat, float_.shapes).kind == "qat"
    # what ppdet's matching loads across the two (the figure QF901/QF902 quote)
    assert len(match_state_dict(float_.shapes, qat.shapes).loaded) == 349
    assert len(float_.shapes) == 463 and len(qat.shapes) > 2 * len(float_.shapes)
    pruned = checkpoints / "pruned.pdparams"
    if pruned.exists():  # PaddleSlim's pruner runs on this paddle
        full = read_checkpoint(str(checkpoints / "float.pdparams"))
        assert kind_against(read_checkpoint(str(pruned)), full.shapes).kind in ("pruned", "other")


def test_local_qat_checkpoint_at_eval_through_the_cli(checkpoints: Path) -> None:
    root = tree("release-2.6")
    weights = checkpoints / "qat"
    code, found = findings("python", "tools/eval.py", "-c", MODEL, "-o", f"weights={weights}",
                           cwd=root)
    assert code == 1 and codes(found) == ["QF901"]
    assert "349 of the model's 463 tensors load" in found[0]["message"]
    code, found = findings("python", "tools/eval.py", "-c", MODEL, "--slim_config", QAT, "-o",
                           f"weights={weights}", cwd=root)
    assert not {"QF901", "QF902"} & set(codes(found))


def test_local_float_checkpoint_with_and_without_a_qat_config(checkpoints: Path) -> None:
    root = tree("release-2.6")
    weights = checkpoints / "float.pdparams"
    code, found = findings("python", "tools/export_model.py", "-c", MODEL, "-o",
                           f"weights={weights}", cwd=root)
    assert not {"QF901", "QF902"} & set(codes(found))
    code, found = findings("python", "tools/export_model.py", "-c", MODEL, "--slim_config", QAT,
                           "-o", f"weights={weights}", cwd=root)
    assert "QF902" in codes(found)
