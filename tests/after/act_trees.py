"""Writable copies of a shared tree's `deploy/auto_compression` (its scripts, README and ACT
configs) with the model configs the registry names, for tests that edit or apply: the shared
trees themselves are never written."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import tree

ACT = Path("deploy") / "auto_compression"


def act_checkout(name: str, into: Path) -> Path:
    """A PaddleDetection-like copy of tree `name` under `into`: returns its root."""
    source = tree(name)
    root = into / f"PaddleDetection-{name}"
    shutil.copytree(source / ACT, root / ACT, ignore=shutil.ignore_patterns("output*"))
    shutil.copytree(source / "configs", root / "configs")
    (root / "ppdet").mkdir()
    for path in [root, *root.rglob("*")]:  # the shared trees are read-only
        path.chmod(path.stat().st_mode | 0o200)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
