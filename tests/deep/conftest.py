"""Real paddle models for the deep tests, built once per session from the fixture configs."""
from __future__ import annotations

import contextlib
import importlib
import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Mapping

import pytest

from tests.conftest import require, tree

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
LCNET = FIXTURES / "picodet_s_lcnet.yml"
ESNET = FIXTURES / "picodet_s_esnet.yml"
QAT = FIXTURES / "quant_qat.yml"
PTQ = FIXTURES / "quant_ptq.yml"
#: the model develop's picodet_s_320_lcnet_qat_dis.yaml compresses, and that ACT config
EXPORTED_CONFIG = "configs/picodet/picodet_s_320_coco_lcnet.yml"
ACT = "configs/picodet_s_320_lcnet_qat_dis.yaml"


def installed_runtime() -> Any:
    """The runtime of the installed paddledet, imported again when a test switched `ppdet` in
    `sys.modules` to a checkout's own copy (as a config inside a checkout does)."""
    require("paddle")
    require("ppdet")
    from qatfix.deep.runtime import load_runtime

    runtime = load_runtime()
    assert runtime.source.checkout is None, runtime.source
    return runtime


def checkout_runtime(root: Path) -> Any:
    """The runtime of a PaddleDetection checkout's own ppdet, as `tools/train.py` there uses it."""
    require("paddle")
    from qatfix.deep.runtime import load_runtime

    runtime = load_runtime(root / "configs" / "runtime.yml")
    assert runtime.source.checkout and Path(runtime.source.checkout).resolve() == root.resolve(), \
        runtime.source
    return runtime


def ppdet_module(runtime: Any, name: str) -> ModuleType:
    """`ppdet.<...>` as imported now, checked to be the one `runtime` was built from (so an oracle
    call never silently uses another tree's ppdet)."""
    module = importlib.import_module(name)
    package = Path(runtime.source.package_dir)
    assert package in Path(module.__file__).resolve().parents, (module.__file__, package)
    return module


@pytest.fixture
def runtime() -> Any:
    """The installed paddledet's runtime, with `sys.modules` holding that ppdet for this test."""
    return installed_runtime()


@dataclass
class SavedModel:
    """A model built straight with ppdet, and its state dict saved with paddle."""

    config: Path
    model: Any
    path: Path

    def state(self) -> Mapping[str, Any]:
        return self.model.state_dict()

    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {k: tuple(v.shape) for k, v in self.state().items()}


def _build_and_save(runtime: Any, config: Path, path: Path) -> SavedModel:
    with runtime.fresh():
        cfg = runtime.workspace.load_config(str(config))
        model = runtime.workspace.create(cfg.architecture)
    runtime.paddle.save(model.state_dict(), str(path))
    return SavedModel(config, model, path)


@pytest.fixture(scope="session")
def weights_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("weights")


@pytest.fixture(scope="session")
def lcnet(weights_dir: Path) -> SavedModel:
    return _build_and_save(installed_runtime(), LCNET, weights_dir / "picodet_s_lcnet.pdparams")


@pytest.fixture(scope="session")
def esnet(weights_dir: Path) -> SavedModel:
    return _build_and_save(installed_runtime(), ESNET, weights_dir / "picodet_s_esnet.pdparams")


@contextlib.contextmanager
def ppdet_state(runtime: Any) -> Iterator[Any]:
    """A pristine ppdet global config for calling ppdet directly, with its logging left on."""
    runtime.reset()
    try:
        yield runtime.workspace
    finally:
        runtime.reset()


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def ppdet_log() -> Iterator[list[str]]:
    """The messages ppdet's checkpoint logger emits during the test."""
    logger = logging.getLogger("ppdet.utils.checkpoint")
    handler = _Lines()
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A deploy/auto_compression folder: develop's ACT configs, and the model exported with
    develop's own ppdet (ppdet's exporter, paddle.jit.save) where picodet_s_320_lcnet_qat_dis.yaml
    looks for it (./models/picodet_s_320_coco_lcnet/)."""
    require("paddle")
    root = tree("develop")
    run = tmp_path_factory.mktemp("auto_compression")
    shutil.copytree(root / "deploy" / "auto_compression" / "configs", run / "configs")
    for path in (run / "configs").iterdir():
        path.chmod(0o644)
    done = subprocess.run([sys.executable, str(HERE / "export_ppdet.py"), str(root),
                           EXPORTED_CONFIG, str(run / "models")], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (run / "models" / "picodet_s_320_coco_lcnet" / "infer_cfg.yml").is_file()
    return run
