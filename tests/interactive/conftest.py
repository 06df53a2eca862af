"""A copy of the bundled PicoDet example to review, and the real program in a pseudo-terminal."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require

HERE = Path(__file__).resolve().parent
EXAMPLE = REPO / "examples" / "picodet"
MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
LEGACY = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"
LCNET = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
PEDESTRIAN = ("https://paddledet.bj.bcebos.com/models/keypoint/tinypose_enhance/"
              "picodet_s_320_lcnet_pedestrian.pdparams")

DOWN = "\x1b[B"
ENTER = "\r"
CTRL_C = "\x03"
CLEAR_LINE = "\x15"  # emacs "unix-line-discard" in prompt_toolkit


@pytest.fixture
def picodet(tmp_path: Path) -> Path:
    """The example tree (QF101 with a safe fix and two alternatives, and an info)."""
    root = tmp_path / "picodet"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def pitfalls(picodet: Path) -> Path:
    """The example whose slim config also has a duplicate key (QF401) and `base_lr: 1e-4` (QF402)."""
    shutil.copyfile(HERE / "fixtures" / "picodet_s_quant_pitfalls.yml", picodet / SLIM)
    return picodet


class Terminal:
    """`python -m qatfix ... --interactive` running in a pseudo-terminal of fixed size."""

    def __init__(self, root: Path, *extra: str) -> None:
        import pexpect

        env = dict(os.environ, NO_COLOR="1", TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1",
                   COLUMNS="200", LINES="50")
        env.pop("FORCE_COLOR", None)
        self.child = pexpect.spawn(
            sys.executable, ["-m", "qatfix", "-c", MODEL, "--slim_config", SLIM, "--interactive",
                             *extra],
            cwd=str(root), env=env, dimensions=(50, 200), encoding="utf-8", timeout=30)
        self.output = ""

    def expect(self, text: str) -> None:
        """Wait for `text` (plain text, not a pattern) to appear."""
        self.child.expect_exact(text)
        self.output += (self.child.before or "") + text

    def answer(self, question: str, downs: int = 0) -> None:
        """Wait for a select question, move the pointer `downs` entries down, press Enter."""
        self.expect(question)
        self.pick(downs)

    def pick(self, downs: int = 0) -> None:
        """In the question on screen, move the pointer `downs` entries down and press Enter."""
        self.child.send(DOWN * downs + ENTER)

    def type(self, question: str, text: str) -> None:
        self.expect(question)
        self.child.send(text + ENTER)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> int:
        """Wait for the program to end; its exit status."""
        import pexpect

        self.child.expect(pexpect.EOF)
        self.output += self.child.before or ""
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None
                   else 128 + (self.child.signalstatus or 0))


@pytest.fixture
def terminal() -> "type[Terminal]":
    require("pexpect")
    return Terminal
