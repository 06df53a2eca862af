"""Shared test helpers: where the real PaddleDetection trees are, and fixture trees."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "paddledetection"
TREES = {name: SHARED / name for name in ("develop", "release-2.6")}
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def tree(name: str) -> Path:
    """Root of one shared PaddleDetection tree (the folder holding `configs/`), or skip."""
    root = TREES[name]
    if not (root / "configs").is_dir():
        pytest.skip(f"shared PaddleDetection tree {name} is not available")
    return root


@pytest.fixture
def develop() -> Path:
    return tree("develop")


@pytest.fixture
def release26() -> Path:
    return tree("release-2.6")


def model_configs(root: Path) -> list[Path]:
    """Every config that is not only a base (no `/_base_/` in its path)."""
    found = []
    for path in sorted((root / "configs").rglob("*.y*ml")):
        rel = path.relative_to(root).as_posix()
        if "/_base_/" in f"/{rel}" or path.suffix not in (".yml", ".yaml"):
            continue
        found.append(path)
    return found


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


os.environ.setdefault("QATFIX_TESTING", "1")
