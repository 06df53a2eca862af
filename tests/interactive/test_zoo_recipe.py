"""The review, in a pseudo-terminal on a copy of the develop tree, of a model quantized with a
slim config written for another model: the proposal is the model zoo's own slim config (no file
changes), and the review ends with the command that uses it, re-checked with it."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from qatfix.interactive.menus import ACTION_QUESTION
from tests.conftest import REPO, require, tree

MODEL = "configs/picodet/picodet_s_416_coco_lcnet.yml"
FOREIGN = "configs/slim/quant/ppyoloe_l_qat.yml"
ZOO = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"


@pytest.mark.corpus
def test_the_zoo_config_is_proposed_and_the_review_ends_with_its_command(tmp_path: Path) -> None:
    pexpect = require("pexpect")
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    env = dict(os.environ, NO_COLOR="1", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
               COLUMNS="200", LINES="50", PYTHONPATH=str(REPO))
    child = pexpect.spawn(sys.executable, ["-m", "qatfix", "-c", MODEL, "--slim_config", FOREIGN,
                                           "--interactive"],
                          cwd=str(root), env=env, dimensions=(50, 200), encoding="utf-8",
                          timeout=60)
    child.expect_exact(f"fix (safe): Run with {ZOO}, the model zoo's QAT config for this model")
    child.expect_exact(ACTION_QUESTION)
    child.send("y")
    child.expect_exact(f"run with: python tools/train.py -c {MODEL} --slim_config {ZOO}")
    child.expect_exact(f"re-check with --slim_config {ZOO}:")
    child.expect_exact("0 errors, 0 warnings")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
