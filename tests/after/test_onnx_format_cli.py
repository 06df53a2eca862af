"""QF307 and QF973 through the CLI with the real sources of two PaddleSlim releases: 2.4.1
(onnx_format defaults to false) from the package index, and the installed 2.6.0 (true)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.after.helpers import codes, findings, qatfix
from tests.conftest import REPO, paddleslim_release, require, tree

ACT = Path("deploy") / "auto_compression"
PICODET = "configs/picodet/picodet_s_416_coco_lcnet.yml"
QAT = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"


@pytest.fixture(scope="module")
def paddleslim_2_4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return paddleslim_release("2.4.1", tmp_path_factory.getbasetemp())


@pytest.fixture
def old_paddleslim(paddleslim_2_4: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qatfix processes of the test see PaddleSlim 2.4.1 as the installed one."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(paddleslim_2_4), str(REPO)]))


@pytest.fixture
def develop_copy(tmp_path: Path) -> Path:
    source = tree("develop")
    root = tmp_path / "PaddleDetection"
    shutil.copytree(source / "configs", root / "configs")
    shutil.copytree(source / ACT / "configs", root / ACT / "configs")
    (root / "ppdet").mkdir()
    for path in root.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    return root


def test_installed_paddleslim_defaults_to_true_and_nothing_is_said(develop_copy: Path) -> None:
    require("paddleslim")
    assert findings("--select", "QF307", PICODET, QAT, cwd=develop_copy) == (0, [])
    act = ACT / "configs" / "ppyoloe_plus_s_qat_dis.yaml"
    assert findings("--select", "QF973", str(act), cwd=develop_copy) == (0, [])


def test_qat_training_under_paddleslim_2_4_and_the_fix(develop_copy: Path,
                                                       old_paddleslim: None) -> None:
    code, found = findings("--select", "QF307", PICODET, QAT, cwd=develop_copy)
    assert code == 1 and codes(found) == ["QF307"] and found[0]["severity"] == "warning"
    assert "PaddleSlim 2.4.1 defaults it to false" in found[0]["message"]
    applied = qatfix("--apply", "--select", "QF307", PICODET, QAT, cwd=develop_copy)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "'onnx_format': true" in (develop_copy / QAT).read_text()
    assert findings("--select", "QF30", PICODET, QAT, cwd=develop_copy) == (0, [])


def test_act_quantization_under_paddleslim_2_4_and_the_fix(develop_copy: Path,
                                                           old_paddleslim: None) -> None:
    run = develop_copy / ACT
    act = "configs/ppyoloe_plus_s_qat_dis.yaml"
    code, found = findings("--select", "QF973", act, cwd=run)
    assert code == 1 and codes(found) == ["QF973"] and found[0]["severity"] == "warning"
    assert found[0]["location"]["line"] == (run / act).read_text().splitlines().index(
        "QuantAware:") + 1
    qatfix("--apply", "--select", "QF973", act, cwd=run)
    assert "  onnx_format: true\n" in (run / act).read_text()
    assert findings("--select", "QF97", act, cwd=run) == (0, [])
    # the shipped configs that set it are left alone
    assert findings("--select", "QF973", "configs/picodet_s_320_lcnet_qat_dis.yaml",
                    cwd=run) == (0, [])


def test_paddleslim_2_3_has_no_onnx_format_to_set(develop_copy: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = paddleslim_release("2.3.4", tmp_path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(REPO)]))
    code, found = findings("--select", "QF307", PICODET, QAT, cwd=develop_copy)
    assert codes(found) == ["QF307"] and found[0]["fix"] is None
    assert "install PaddleSlim 2.4 or later" in found[0]["message"]
