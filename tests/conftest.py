"""Shared test helpers: where the real PaddleDetection trees are, fixture trees, required
dependencies, and `QATFIX_REVERSE=1` to run the collected tests in reverse order."""
from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Iterator, NoReturn

import pytest
from hypothesis import settings as hypothesis_settings

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


def paddleslim_examples() -> Path:
    """PaddleSlim's auto-compression examples in ../shared (detection, OCR, classification,
    segmentation), or skip (fail under CI)."""
    root = REPO.parent / "shared" / "paddleslim" / "example" / "auto_compression"
    if not root.is_dir():
        _missing("shared PaddleSlim examples are not available")
    return root


def in_ci() -> bool:
    """`CI=true` (or 1/yes): a missing dependency is then a broken install, not a reason to skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _missing(what: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"{what} (CI=true: required dependencies must be installed)", pytrace=False)
    raise pytest.skip.Exception(what, allow_module_level=True)


def require(module: str) -> ModuleType:
    """Import a dependency the suite needs (paddle, ppdet, yaml, pexpect, jsonschema): skip the
    test without it, but fail under CI. Never use it for qatfix's own modules."""
    if module == "qatfix" or module.startswith("qatfix."):
        raise ValueError("the code under test is imported, never skipped")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        problem = f"{module} cannot be imported ({exc})"
    _missing(problem)


_RELEASES: dict[str, Path] = {}


def paddleslim_release(version: str, cache: Path) -> Path:
    """A folder holding PaddleSlim `version`'s real wheel unpacked (package and dist-info), from
    the package index, to put first on a qatfix process's PYTHONPATH: qatfix reads PaddleSlim's
    source files and metadata and never imports it, so that process sees the release as
    installed. Skips when the index cannot be reached (fails under CI)."""
    if version in _RELEASES:
        return _RELEASES[version]
    folder = cache / f"paddleslim-{version}"
    done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                           "-d", str(folder / "wheel"), f"paddleslim=={version}"],
                          capture_output=True, text=True, timeout=300)
    wheels = list((folder / "wheel").glob("paddleslim-*.whl"))
    if done.returncode != 0 or not wheels:
        _missing(f"PaddleSlim {version} could not be downloaded: {done.stderr[-300:]}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        wheel.extractall(folder / "site")
    _RELEASES[version] = folder / "site"
    return _RELEASES[version]


def trained_checkpoint(path: Path, config: str = "configs/picodet/picodet_s_320_coco_lcnet.yml",
                       tree_name: str = "develop") -> Path:
    """A `.pdparams` of the network `config` builds, as a run's own training would save it:
    paddle.save's format (a pickle of numpy arrays under the state-dict names), the shapes from
    the signature ppdet built for that config (registry/signatures), zeros for the values."""
    numpy = require("numpy")
    import pickle

    from qatfix.registry.signatures import signature_of

    signature = signature_of(tree_name, config)
    assert signature is not None, config
    state = {key: numpy.zeros(shape, dtype="float32") for key, shape in signature.shapes.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(state, handle, protocol=4)
    return path


def require_executable(name: str) -> str:
    """The path of an executable on PATH (e.g. the `qatfix` console script): skip without it,
    fail under CI."""
    found = shutil.which(name)
    if found is None:
        _missing(f"the {name!r} executable is not on PATH")
    return found


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 (any free port), never on another interface."""
    return ("127.0.0.1", 0)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """An http URL on 127.0.0.1 whose port this test holds bound but never listens on, so every
    connection is refused (a port that was merely closed could be taken by another process)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


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


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test starts with an empty qatfix cache (URL answers, downloads) of its own, never the
    user's `~/.cache/qatfix` nor what an earlier test left."""
    monkeypatch.setenv("QATFIX_CACHE_DIR", str(tmp_path_factory.mktemp("qatfix-cache")))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`QATFIX_REVERSE=1`: run the tests in exactly the reverse of the collected order (after
    any shuffling plugin), to find tests that depend on what ran before them."""
    if os.environ.get("QATFIX_REVERSE") == "1":
        items.reverse()


def pytest_report_header(config: pytest.Config) -> str | None:
    return "test order: reversed (QATFIX_REVERSE=1)" if os.environ.get("QATFIX_REVERSE") == "1" \
        else None


# Property tests draw the same examples on every run and machine (a seed derived from each test),
# so a failure in CI reproduces locally and a pass is not luck. `HYPOTHESIS_PROFILE=explore`
# draws fresh random examples (and keeps failures in .hypothesis/) to search for new bugs.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("QATFIX_TESTING", "1")
