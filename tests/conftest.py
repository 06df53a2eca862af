"""Shared test helpers: where the real PaddleDetection trees are, fixture trees, required
dependencies, and `QATFIX_REVERSE=1` to run the collected tests in reverse order."""
from __future__ import annotations

import importlib
import ctypes
import os
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator, NoReturn

import pytest
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent
#: the shared trees, as the files qatfix reports lie (a linked ../shared resolved)
SHARED = (REPO.parent / "shared").resolve() / "paddledetection"
TREES = {name: SHARED / name for name in ("develop", "release-2.6")}
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def paddleslim_examples() -> Path:
    """PaddleSlim's auto-compression examples in ../shared (detection, OCR, classification,
    segmentation), or skip (fail under CI)."""
    root = (REPO.parent / "shared").resolve() / "paddleslim" / "example" / "auto_compression"
    if not root.is_dir():
        missing("shared PaddleSlim examples are not available")
    return root


def in_ci() -> bool:
    """`CI=true` (or 1/yes): a missing dependency is then a broken install, not a reason to skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str) -> NoReturn:
    """THE way a test gives up for want of a tree, package, executable or downloaded file: skip,
    but fail under `CI=true`, where a missing dependency is a broken set-up. Never call
    `pytest.skip` or `pytest.importorskip` for those directly."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: required dependencies must be installed)", pytrace=False)
    raise pytest.skip.Exception(what, allow_module_level=True)


_missing = missing


def tree(name: str) -> Path:
    """Root of one shared PaddleDetection tree (the folder holding `configs/`): skip without it,
    fail under CI."""
    root = TREES[name]
    if not (root / "configs").is_dir():
        missing(f"shared PaddleDetection tree {name} is not available ({root})")
    return root


def trees() -> dict[str, Path]:
    """Both shared trees by name: skip unless both are there, fail under CI."""
    return {name: tree(name) for name in TREES}


def require_paddle() -> None:
    """paddle and the installed ppdet: skip without them, fail under CI."""
    require("paddle")
    require("ppdet")


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


#: the PaddleSlim releases whose real sources some tests read (`paddleslim_release`)
PADDLESLIM_RELEASES = ("2.3.4", "2.4.1")
#: where the set-up puts their wheels (`.ci/run`, the README's test command); QATFIX_WHEELS
#: names another folder
WHEELS = Path(os.environ.get("QATFIX_WHEELS") or REPO / ".ci" / "wheels")
FETCH_WHEELS = ("python -m pip download --no-deps -d .ci/wheels paddleslim==2.3.4 && "
                "python -m pip download --no-deps -d .ci/wheels paddleslim==2.4.1")

_RELEASES: dict[str, Path] = {}


def paddleslim_release(version: str, cache: Path) -> Path:
    """A folder holding PaddleSlim `version`'s real wheel unpacked (package and dist-info), to
    put first on a qatfix process's PYTHONPATH: qatfix reads PaddleSlim's source files and
    metadata and never imports it, so that process sees the release as installed. The wheel
    comes from `WHEELS`, where the set-up fetched it once; tests never download. Skips without
    it (fails under CI)."""
    if version in _RELEASES:
        return _RELEASES[version]
    wheels = sorted(WHEELS.glob(f"paddleslim-{version}-*.whl"))
    if not wheels:
        missing(f"the PaddleSlim {version} wheel is not in {WHEELS} (fetch it: {FETCH_WHEELS})")
    folder = cache / f"paddleslim-{version}"
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


#: the capabilities that let root ignore permission bits: CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
#: CAP_FOWNER (linux/capability.h)
_PERMISSION_CAPABILITIES = (1, 2, 3)
_PR_CAPBSET_DROP = 24


def drop_privileges() -> Callable[[], None] | None:
    """A `preexec_fn` that makes a root child process obey permission bits, as any user does:
    it drops the capabilities that bypass them from the bounding set, so the program the child
    executes never holds them. (It stays uid 0 because the interpreter lives under root's 0700
    home, which another uid cannot reach.) None when this process is not root: permission bits
    stop its children already."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in _PERMISSION_CAPABILITIES:
            if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    return drop


def run_unprivileged(argv: list[str], cwd: Path,
                     env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`ARGV` in a fresh process that permission bits stop, also when the tests run as root (as
    CI does): see `drop_privileges`."""
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300,
                          preexec_fn=drop_privileges(),
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


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
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled example (`examples/picodet`: the seed mistake, with a safe fix) as
    the current folder."""
    root = tmp_path / "example"
    shutil.copytree(REPO / "examples" / "picodet", root)
    monkeypatch.chdir(root)
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
def _marked_needs(request: pytest.FixtureRequest) -> None:
    """A test marked `paddle` needs paddle and ppdet, one marked `corpus` the shared trees: each
    skips cleanly without them (fails under CI) before it starts."""
    if request.node.get_closest_marker("corpus") is not None:
        trees()
    if request.node.get_closest_marker("paddle") is not None:
        require_paddle()


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
