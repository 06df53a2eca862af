"""The reported case on the real develop tree: --apply fixes line 1 of the slim config only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qatfix.cli.main import main
from tests.conftest import tree

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


NEW = "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml"


@pytest.mark.corpus
def test_seed_pair_apply_writes_a_slim_file_for_this_model_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """picodet_s_quant.yml is the legacy ESNet model's slim config: pointing it at the LCNet
    weights would break that run, so --apply writes a new slim file for the LCNet model and
    says the command that uses it; nothing else changes, and a second --apply writes nothing."""
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.chdir(root)
    before = {p: p.read_bytes() for p in root.rglob("*.yml")}
    assert main(["-c", MODEL, "--slim_config", SLIM]) == 1
    capsys.readouterr()
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 1
    err = capsys.readouterr().err
    assert f"run with: python tools/train.py -c {MODEL} --slim_config {NEW}" in err
    after = {p: p.read_bytes() for p in root.rglob("*.yml")}
    assert [p for p in before if before[p] != after[p]] == []
    assert sorted(set(after) - set(before)) == [root / NEW]
    assert (root / NEW).read_text() == (
        "_BASE_: [picodet_s_quant.yml]\n"
        "pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams\n")
    assert main(["-c", MODEL, "--slim_config", NEW, "--fail-on", "error"]) == 0
    assert main(["-c", "configs/picodet/legacy_model/picodet_s_320_coco.yml", "--slim_config", SLIM,
                 "--fail-on", "error"]) == 0
    capsys.readouterr()
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 1
    assert {p: p.read_bytes() for p in root.rglob("*.yml")} == after
    assert f"--slim_config {NEW}" in capsys.readouterr().err
