"""A fix to a slim config that `.qatfix.toml` pairs with another model says so."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import tree

SLIM = "configs/slim/quant/picodet_s_quant.yml"


@pytest.mark.corpus
def test_the_note_names_a_configured_pair(tmp_path: Path) -> None:
    develop = tree("develop")
    for part in ("configs/picodet", "configs/datasets"):
        shutil.copytree(develop / part, tmp_path / part)
    shutil.copy(develop / "configs/runtime.yml", tmp_path / "configs/runtime.yml")
    (tmp_path / SLIM).parent.mkdir(parents=True)
    shutil.copy(develop / SLIM, tmp_path / SLIM)
    (tmp_path / ".qatfix.toml").write_text(
        f'pairs = [["configs/picodet/picodet_s_416_coco_lcnet.yml", "{SLIM}"]]\n',
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qatfix", "-c",
                           "configs/picodet/picodet_s_320_coco_lcnet.yml", "--slim_config", SLIM,
                           "-v"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "is also used with configs/picodet/legacy_model/picodet_s_320_coco.yml, " \
           "configs/picodet/picodet_s_416_coco_lcnet.yml" in done.stdout
    concise = subprocess.run([sys.executable, "-m", "qatfix", "-c",
                              "configs/picodet/picodet_s_320_coco_lcnet.yml", "--slim_config",
                              SLIM], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    fix_line = next(line for line in concise.stdout.splitlines() if "fix (safe):" in line)
    # the in-place edit would change the other runs: the safe fix is a new slim file
    assert "in a new slim file" in fix_line and fix_line.endswith("(-v: the command; 3 other fixes)")
