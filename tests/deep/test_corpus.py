"""The seed case on the real PaddleDetection trees: 140 of 463 parameters would load.

Each tree is checked against its own ppdet (the checkout's `ppdet/`, as `tools/train.py` there
imports it), which is also what qatfix uses for a config inside a checkout."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import tree
from tests.deep.conftest import checkout_runtime, ppdet_module, ppdet_state

pytestmark = [pytest.mark.paddle, pytest.mark.corpus,
              pytest.mark.filterwarnings("ignore:Skip loading for")]

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
LEGACY = "configs/picodet/legacy_model/picodet_s_320_coco.yml"
WEIGHTS_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"


@pytest.fixture(scope="module", params=["develop", "release-2.6"])
def root(request: pytest.FixtureRequest) -> Path:
    return tree(request.param)


@pytest.fixture
def runtime(root: Path) -> Any:
    """The tree's own ppdet, imported for this test (another test may have switched it)."""
    return checkout_runtime(root)


@pytest.fixture(scope="module")
def legacy_file(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ESNet model of the legacy config, built by the tree's ppdet and saved where the URL is
    cached."""
    from qatfix.deep.download import cache_path

    runtime = checkout_runtime(root)
    cache = tmp_path_factory.mktemp("cache")
    with ppdet_state(runtime):
        cfg = runtime.workspace.load_config(str(root / LEGACY))
        model = runtime.workspace.create(cfg.architecture)
    path = cache_path(WEIGHTS_URL, cache)
    path.parent.mkdir(parents=True)
    runtime.paddle.save(model.state_dict(), str(path))
    return path


def _check_seed_numbers(report: Any) -> None:
    match = report.match
    assert (match.loaded_count, match.model_count) == (140, 463)
    assert len(match.shape_mismatches) == 8
    assert (len(match.unused_weights), match.weight_count) == (432, 580)
    [finding] = report.findings()
    assert finding.code == "QF601" and finding.severity == "error"
    assert finding.message.startswith(
        "140 of 463 parameters would load; 323 would train from scratch. "
        "backbone: 0 of 143 load (143 not in the weights); neck: 55 of 135 load")
    assert "head.head_cls0.weight: weights [112, 96, 1, 1] vs model [80, 96, 1, 1]" in \
        report.text()


def test_seed_pair_from_legacy_sections(runtime: Any, root: Path, tmp_path: Path) -> None:
    from qatfix.deep import run_deep_check
    from qatfix.deep.build import config_model_sections

    sections = config_model_sections(str(root / LEGACY), runtime=runtime)
    report = run_deep_check(str(root / MODEL), str(root / SLIM), offline=True,
                            cache_dir=str(tmp_path), weights_sections=sections)
    assert report.weights.via == "given model sections"
    _check_seed_numbers(report)
    [finding] = report.findings()
    assert finding.location.path == str(root / SLIM) and finding.location.line == 1


def test_seed_pair_from_the_registry_entry(root: Path, tmp_path: Path) -> None:
    from qatfix.deep import run_deep_check
    from qatfix.registry import load_registry

    entry = load_registry().get_url(WEIGHTS_URL)
    assert entry is not None and entry.model, "the registry lost the model sections of " \
        "picodet_s_320_coco"
    report = run_deep_check(str(root / MODEL), str(root / SLIM), offline=True,
                            cache_dir=str(tmp_path))
    assert report.weights.entry == "registry entry picodet_s_320_coco"
    _check_seed_numbers(report)


def test_seed_numbers_are_ppdets_own(runtime: Any, root: Path, legacy_file: Path,
                                     ppdet_log: list[str]) -> None:
    """ppdet's load_pretrain_weight on the real QAT model and the saved legacy weights prints
    exactly the lines the report reproduces, and match_state_dict loads the same 140."""
    from qatfix.deep import run_deep_check

    checkpoint = ppdet_module(runtime, "ppdet.utils.checkpoint")
    load_pretrain_weight, match_state_dict = checkpoint.load_pretrain_weight, \
        checkpoint.match_state_dict

    with ppdet_state(runtime):
        cfg = runtime.workspace.load_config(str(root / MODEL))
        runtime.workspace.load_config(str(root / SLIM))
        model = runtime.workspace.create(cfg.architecture)
        state = model.state_dict()
        loaded = match_state_dict(state, runtime.paddle.load(str(legacy_file)))
        del ppdet_log[:]
        load_pretrain_weight(model, str(legacy_file))
    assert (len(loaded), len(state)) == (140, 463)
    unused_line, *mismatch_lines, done = ppdet_log
    assert len(mismatch_lines) == 8 and done.startswith("Finish loading model weights")
    assert unused_line.count("', '") + 1 == 432

    report = run_deep_check(str(root / MODEL), str(root / SLIM), offline=True,
                            cache_dir=str(legacy_file.parents[2]))
    assert report.model.source == runtime.source
    assert report.weights.via == "cached download"
    assert report.ppdet_lines() == ppdet_log[:-1]
    assert {m for m, _ in report.match.loaded} == set(loaded)
    _check_seed_numbers(report)
