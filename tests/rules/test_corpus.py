"""Rules on the real PaddleDetection trees: the seed case, documented pairs, official configs."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from qatfix.run.engine import check
from qatfix.run.plan import Run
from tests.conftest import tree
from tests.rules import corpus_counts

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
    findings = check(Run(SEED_MODEL, SEED_SLIM))
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
    assert errors(check(Run("configs/picodet/picodet_s_416_coco_lcnet.yml",
                            "configs/slim/quant/picodet_s_416_lcnet_quant.yml"))) == []


@pytest.mark.corpus
def test_320_model_with_416_quant_config_is_an_input_size_error(in_develop: Path) -> None:
    findings = check(Run(SEED_MODEL, "configs/slim/quant/picodet_s_416_lcnet_quant.yml"))
    (qf201,) = [f for f in findings if f.code == "QF201"]
    assert "416x416" in qf201.message and "320x320" in qf201.message
    assert qf201.fix is not None and qf201.fix.value == LCNET_320
    assert [f.code for f in errors(findings)] == ["QF201"]


@pytest.mark.corpus
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_every_documented_slim_pair_has_no_error(tree_name: str) -> None:
    tree(tree_name)
    runs = corpus_counts.sweep(tree_name, "pairs")
    assert len(runs) >= 20
    bad = [(run, f.code, str(f.location), f.message[:160])
           for run, findings in runs for f in errors(list(findings))]
    assert not bad, "\n".join(map(str, bad))


@pytest.mark.corpus
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_official_configs_alone_have_no_error(tree_name: str) -> None:
    tree(tree_name)
    bad = [f"{run}: {f.code} {f.location} {f.message[:160]}"
           for run, findings in corpus_counts.sweep(tree_name, "models")
           for f in errors(list(findings)) if run not in OFFICIAL_ERRORS]
    assert not bad, f"{len(bad)} errors:\n" + "\n".join(bad[:30])


@pytest.mark.corpus
@pytest.mark.parametrize("kind", corpus_counts.SWEEPS)
@pytest.mark.parametrize("tree_name", ["develop", "release-2.6"])
def test_warnings_and_infos_on_the_trees_are_the_reviewed_counts(tree_name: str,
                                                                 kind: str) -> None:
    """A rule that starts or stops firing on the real trees shows here with the difference;
    after a deliberate change: `python tests/rules/corpus_counts.py`, review, commit."""
    tree(tree_name)
    expected = corpus_counts.committed()[tree_name][kind]
    found = corpus_counts.counts(tree_name, kind)
    changes = corpus_counts.differences(expected, found)
    assert not changes, (f"{tree_name} {kind} sweep (committed -> now; regenerate with "
                         "`python tests/rules/corpus_counts.py` once reviewed):\n"
                         + "\n".join(changes))


@pytest.mark.corpus
def test_slim_config_alone_is_checked_with_its_documented_model(in_develop: Path) -> None:
    findings = check(Run("configs/slim/quant/picodet_s_416_lcnet_quant.yml"))
    assert [f.code for f in findings] == ["QF001", "QF501"]
    assert "configs/picodet/picodet_s_416_coco_lcnet.yml" in findings[0].message
    assert findings[1].config.endswith("configs/picodet/picodet_s_416_coco_lcnet.yml")
