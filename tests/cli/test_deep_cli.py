"""`check --deep` end to end with real paddle and ppdet on the bundled example."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qatfix.cli.main import main
from tests.conftest import REPO, require

require("paddle")
require("ppdet")

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


@pytest.mark.paddle
def test_deep_counts_what_loads_and_gives_exact_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "examples" / "picodet", tmp_path / "ex")
    monkeypatch.chdir(tmp_path / "ex")
    monkeypatch.setenv("QATFIX_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["-c", MODEL, "--slim_config", SLIM, "--deep", "--offline",
                 "--select", "QF5,QF6"]) == 1
    out = capsys.readouterr().out
    assert f"{SLIM}:1:1: error QF601 pretrain_weights: 140 of 463 parameters would load; 323 " \
           "would train" in out
    qf501 = [line for line in out.splitlines() if " QF501 " in line]
    assert len(qf501) == 1 and "stays float32 (5.0 MB)" in qf501[0] and "int8 (" in qf501[0]
