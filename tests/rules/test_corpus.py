"""Rules on the real PaddleDetection trees: the seed case, documented pairs, official configs."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from qatfix.run.engine import check
from qatfix.registry import load_registry
from tests.conftest import model_configs, tree

SEED_MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SEED_SLIM = "configs/slim/quant/picodet_s_quant.yml"
LCNET_320 = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"

#: official configs that are themselves wrong, with the evidence (see README "Known problems")
OFFICIAL_ERRORS: dict[str, str] = {}


@pytest.fixture
def in_develop(develop: Path) -> Iterator[Path]:
    cwd = os.getcwd()
    os.chdir(develop)
    yield develop
    os.chdir(cwd)


def errors(findings: list) -> list:  # type: ignore[type-arg]
    return [f for f in findings if f.severity == "error"]


@pytest.mark.corpus
def test_seed_pair_reports_the_esnet_weights_with_the_lcnet_fix(in_develop: Path) -> None:
    findings = check(SEED_MODEL, SEED_SLIM)
    qf101 = [f for f in findings if f.code == "QF101"]
    assert len(qf101) == 1
    finding = qf101[0]
    assert (finding.location.path, finding.location.line) == (SEED_SLIM, 1)
    assert "ESNet" in finding.message and "LCNet" in finding.message
    assert finding.fix is not None and finding.fix.safety == "safe"
    assert finding.fix.value == LCNET_320
    (edit,) = finding.fix.edits
    assert (edit.path, edit.start_line, edit.end_line) == (SEED_SLIM, 1, 1)
    assert edit.new_text == f"pretrain_weights: {LCNET_320}\n"


@pytest.mark.corpus
def test_documented_416_pair_has_no_error(in_develop: Path) -> None:
    assert errors(check("configs/picodet/picodet_s_416_coco_lcnet.yml",
                        "configs/slim/quant/picodet_s_416_lcnet_quant.yml")) == []


@pytest.mark.corpus
def test_320_model_with_416_quant_config_is_an_input_size_error(in_develop: Path) -> None:
    findings = check(SEED_MODEL, "configs/slim/quant/picodet_s_416_lcnet_quant.yml")
    (qf201,) = [f for f in findings if f.code == "QF201"]
    assert "416x416" in qf201.message and "320x320" in qf201.message
    assert qf201.fix is not None and qf201.fix.value == LCNET_320
    assert [f.code for f in errors(findings)] == ["QF201"]


def _documented_pairs(root: Path) -> list[tuple[str, str]]:
    """Slim configs with the model config they are documented with: the README rows the
    registry records, and each quant/post-quant/prune config with the config its weights were
    trained with."""
    from qatfix.config import resolve

    registry = load_registry()
    pairs = {(e.config, e.slim_config) for e in registry
             if e.kind == "slim" and e.config and e.slim_config}
    for folder in ("quant", "post_quant", "prune"):
        for slim in sorted((root / "configs" / "slim" / folder).glob("*.yml")):
            data = resolve(str(slim)).data
            key = "weights" if data.get("slim") == "PTQ" else "pretrain_weights"
            entry = registry.lookup(str(data.get(key) or ""))
            if entry is not None and entry.config:
                pairs.add((entry.config, slim.relative_to(root).as_posix()))
    return sorted((c, s) for c, s in pairs if (root / c).is_file() and (root / s).is_file())


@pytest.mark.corpus
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_every_documented_slim_pair_has_no_error(tree_name: str) -> None:
    root = tree(tree_name)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pairs = _documented_pairs(root)
        assert len(pairs) >= 20
        bad = [(c, s, f.code, str(f.location), f.message[:160])
               for c, s in pairs for f in errors(check(c, s))]
    finally:
        os.chdir(cwd)
    assert not bad, "\n".join(map(str, bad))


@pytest.mark.corpus
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_official_configs_alone_have_no_error(tree_name: str) -> None:
    root = tree(tree_name)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        bad = []
        for path in model_configs(root):
            rel = path.relative_to(root).as_posix()
            for f in errors(check(rel)):
                if rel not in OFFICIAL_ERRORS:
                    bad.append(f"{rel}: {f.code} {f.location} {f.message[:160]}")
    finally:
        os.chdir(cwd)
    assert not bad, f"{len(bad)} errors:\n" + "\n".join(bad[:30])


@pytest.mark.corpus
def test_slim_config_alone_is_checked_with_its_documented_model(in_develop: Path) -> None:
    findings = check("configs/slim/quant/picodet_s_416_lcnet_quant.yml")
    assert [f.code for f in findings] == ["QF001", "QF501"]
    assert "configs/picodet/picodet_s_416_coco_lcnet.yml" in findings[0].message
    assert findings[1].config.endswith("configs/picodet/picodet_s_416_coco_lcnet.yml")
