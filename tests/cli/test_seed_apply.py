"""The reported case on the real develop tree: --apply fixes line 1 of the slim config only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qatfix.cli.main import main
from tests.conftest import tree

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


@pytest.mark.corpus
def test_seed_pair_apply_changes_only_line_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    monkeypatch.chdir(root)
    before = {p: p.read_bytes() for p in root.rglob("*.yml")}
    assert main(["-c", MODEL, "--slim_config", SLIM]) == 1
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 0
    after = {p: p.read_bytes() for p in root.rglob("*.yml")}
    changed = [p for p in before if before[p] != after[p]]
    assert changed == [root / SLIM]
    old, new = before[root / SLIM].splitlines(True), after[root / SLIM].splitlines(True)
    assert old[1:] == new[1:] and new[0] == (
        b"pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams\n")
    capsys.readouterr()
    assert main(["-c", MODEL, "--slim_config", SLIM, "--fail-on", "error"]) == 0
