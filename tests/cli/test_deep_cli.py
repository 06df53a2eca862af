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


@pytest.mark.paddle
def test_deep_and_static_state_one_fact_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """ppdet's count under --deep equals the static figure: one QF101 (marked confirmed), no
    QF601 beside it; the int8 size estimate is the same in both modes."""
    import json

    shutil.copytree(REPO / "examples" / "picodet", tmp_path / "ex")
    monkeypatch.chdir(tmp_path / "ex")
    monkeypatch.setenv("QATFIX_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["-c", MODEL, "--slim_config", SLIM, "--format", "json"]) == 1
    static = json.loads(capsys.readouterr().out)
    assert main(["-c", MODEL, "--slim_config", SLIM, "--deep", "--offline", "--format",
                 "json"]) == 1
    deep = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in deep["findings"]] == ["QF101", "QF501"]
    assert deep["summary"]["errors"] == 1
    qf101 = deep["findings"][0]
    assert qf101["data"]["deep_confirmed"] is True and qf101["data"]["loaded"] == 140
    sizes = [{k: f["data"][k] for k in ("float32_bytes", "int8_bytes")}
             for doc in (static, deep) for f in doc["findings"] if f["code"] == "QF501"]
    assert len(sizes) == 2 and sizes[0] == sizes[1]
    qf501 = [f["headline"] for doc in (static, deep) for f in doc["findings"]
             if f["code"] == "QF501"]
    assert qf501[0] == qf501[1]
