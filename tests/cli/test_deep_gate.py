"""`--deep` findings pass the same gate as the rules': `--select`, `--ignore` and inline
`# qatfix: ignore[...]`, checked through the CLI in a fresh process with real paddle and ppdet."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require

require("paddle")
require("ppdet")

pytestmark = pytest.mark.paddle

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "ex"
    shutil.copytree(REPO / "examples" / "picodet", root)
    return root


def _deep(root: Path, tmp_path: Path, *flags: str) -> tuple[int, list[str]]:
    env = {**os.environ, "QATFIX_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "qatfix", "-c", MODEL, "--slim_config", SLIM,
                           "--deep", "--offline", "--format", "json", *flags],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, [f["code"] for f in json.loads(done.stdout)["findings"]]


def test_select_qf6_keeps_only_the_load_report(tmp_path: Path) -> None:
    root = _example(tmp_path)
    code, codes = _deep(root, tmp_path, "--select", "QF6")
    assert codes == ["QF601"] and code == 1
    code, codes = _deep(root, tmp_path, "--select", "QF1,QF6", "--ignore", "QF601")
    assert "QF601" not in codes
    assert codes == ["QF101"] and code == 1


def test_inline_ignore_silences_qf601_only(tmp_path: Path) -> None:
    root = _example(tmp_path)
    slim = root / SLIM
    lines = slim.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith("pretrain_weights:")
    lines[0] = lines[0].rstrip("\n") + "  # qatfix: ignore[QF601]\n"
    slim.write_text("".join(lines), encoding="utf-8")
    code, codes = _deep(root, tmp_path, "--select", "QF1,QF5,QF6")
    assert "QF601" not in codes
    assert codes == ["QF101", "QF501"] and code == 1  # the comment names QF601 alone
