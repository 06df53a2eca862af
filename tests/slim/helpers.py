"""A fresh `qatfix` process on a copy of parts of a real PaddleDetection tree."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import tree


def copy_tree(name: str, destination: Path, *folders: str) -> Path:
    """Copy `configs/FOLDER` of each folder (and configs/runtime.yml) of a shared tree."""
    source = tree(name)
    for folder in ("datasets", *folders):
        shutil.copytree(source / "configs" / folder, destination / "configs" / folder,
                        copy_function=shutil.copyfile)
    shutil.copyfile(source / "configs" / "runtime.yml", destination / "configs" / "runtime.yml")
    return destination


def qatfix(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qatfix", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})


def findings(*argv: str, cwd: Path) -> list[dict[str, Any]]:
    """The JSON findings of one check in a fresh process (exit 0 or 1, nothing on stderr)."""
    done = qatfix("--format", "json", *argv, cwd=cwd)
    assert done.returncode in (0, 1), (done.stdout, done.stderr)
    return list(json.loads(done.stdout)["findings"])


def of_code(found: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [f for f in found if f["code"] == code]
