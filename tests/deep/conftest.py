"""Real paddle models for the deep tests, built once per session from the fixture configs."""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LCNET = FIXTURES / "picodet_s_lcnet.yml"
ESNET = FIXTURES / "picodet_s_esnet.yml"
QAT = FIXTURES / "quant_qat.yml"
PTQ = FIXTURES / "quant_ptq.yml"


@pytest.fixture(scope="session")
def runtime() -> Any:
    pytest.importorskip("paddle")
    pytest.importorskip("ppdet")
    from qatfix.deep.runtime import load_runtime

    return load_runtime()


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
def lcnet(runtime: Any, weights_dir: Path) -> SavedModel:
    return _build_and_save(runtime, LCNET, weights_dir / "picodet_s_lcnet.pdparams")


@pytest.fixture(scope="session")
def esnet(runtime: Any, weights_dir: Path) -> SavedModel:
    return _build_and_save(runtime, ESNET, weights_dir / "picodet_s_esnet.pdparams")


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
