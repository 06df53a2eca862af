"""Helpers for the bad-input suite: drive the real CLI, snapshot bytes, judge error lines.

Every bad input must end in exit code 2 (or a finding), one `qatfix: error:` line naming the
file, no traceback, and every file byte-identical afterwards.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from qatfix.cli.main import main

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLE = REPO / "examples" / "picodet"
EXAMPLE_CONFIG = "configs/picodet/picodet_s_320_coco_lcnet.yml"
EXAMPLE_SLIM = "configs/slim/quant/picodet_s_quant.yml"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """`qatfix ARGV` in this process, through the real entry point."""
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def run_module(*argv: str, cwd: Path | None = None, memory_limit: int | None = None,
               timeout: float = 120) -> Run:
    """`python -m qatfix ARGV` in a fresh process, optionally with its address space capped."""
    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    done = subprocess.run([sys.executable, "-m", "qatfix", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit if memory_limit else None,
                          env={**os.environ, "NO_COLOR": "1"})
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under `root` (symlinks and special files as what they point at)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            found[str(path)] = os.readlink(path).encode() if path.is_symlink() else b"<special>"
            continue
        found[str(path)] = path.read_bytes()
    return found


def error_line(run: Run, path: str | Path, line: int | None = None,
               pattern: str = "") -> str:
    """The single `qatfix: error:` line of a failed run, checked to name `path` (and `line`)."""
    assert run.code == 2, (run.code, run.out, run.err)
    assert "Traceback" not in run.err
    lines = [ln for ln in run.err.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("qatfix: error: ")]
    assert len(errors) == 1, run.err
    text = errors[0]
    where = str(path) + (f":{line}" if line else "")
    assert where + ":" in text or text.endswith(where), (where, text)
    if pattern:
        assert re.search(pattern, text), (pattern, text)
    return text


def assert_out(run: Run, command: str) -> None:
    """stdout of a bad input: a check reports it as a QF000 finding (every format carries it);
    other commands print nothing."""
    if command == "check":
        assert " error QF000 " in run.out and run.out.rstrip().endswith("1 not checked"), run.out
    else:
        assert run.out == ""


def assert_unchanged(before: dict[str, bytes], root: Path) -> None:
    assert snapshot(root) == before


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def commands(path: str) -> dict[str, tuple[str, ...]]:
    """The commands every bad file goes through, by a short name."""
    return {
        "check": ("check", path),
        "resolve": ("resolve", path, "--format", "json"),
        "apply": ("check", path, "--apply"),
        "set": ("set", path, "epoch", "3"),
    }
