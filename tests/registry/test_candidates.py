from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.config import resolve
from qatfix.model import identify
from qatfix.registry import candidates
from qatfix.registry.index import Registry
from tests.registry.conftest import FIXTURES


def _identity(root: Path, config: str, slim: str | None = None):  # type: ignore[no-untyped-def]
    return identify(resolve(str(root / config), str(root / slim) if slim else None).plain(), config)


def test_fixture_ranking(fixture_registry: Registry) -> None:
    identity = _identity(FIXTURES / "new", "configs/picodet/picodet_s_320_coco_lcnet.yml",
                         "configs/slim/quant/picodet_s_quant.yml")
    found = candidates(identity, fixture_registry)
    names = [c.entry.name for c in found]
    # same network and size, same network other size, then other networks; no slim or backbone files
    assert names == ["picodet_s_320_coco_lcnet", "picodet_s_416_coco_lcnet", "picodet_s_320_coco",
                     "picodet_s_320_coco_v0"]
    best = found[0]
    assert best.same_network and best.same_input_size and best.same_dataset and best.differences == ()
    assert found[1].same_network and not found[1].same_input_size
    legacy = found[2]
    assert not legacy.same_network and legacy.same_input_size
    assert legacy.differences[0].message == "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in model"


def test_class_count_does_not_change_the_network(fixture_registry: Registry) -> None:
    root = FIXTURES / "new"
    plain = resolve(str(root / "configs/picodet/picodet_s_320_coco_lcnet.yml"), options=["num_classes=3"]).plain()
    found = candidates(identify(plain, "my_picodet_s_320.yml"), fixture_registry, limit=1)
    assert found[0].entry.name == "picodet_s_320_coco_lcnet" and found[0].same_network
    assert not found[0].same_num_classes


def test_other_architectures_are_not_candidates(fixture_registry: Registry) -> None:
    identity = _identity(FIXTURES / "new", "configs/yolov3/yolov3_darknet53_270e_voc.yml")
    names = [c.entry.name for c in candidates(identity, fixture_registry)]
    assert names[:2] == ["voc_darknet", "yolov3_darknet53_270e_coco"]
    assert "ppyolo_mbv3_large_coco" in names and not any(n.startswith("picodet") for n in names)
    assert "yolov3_darknet_coco_qat" not in names


@pytest.mark.corpus
def test_seed_case_on_the_real_tree(develop: Path) -> None:
    """PicoDet-S-320 LCNet + picodet_s_quant.yml: the LCNet weights come first, not the ESNet ones."""
    identity = _identity(develop, "configs/picodet/picodet_s_320_coco_lcnet.yml", "configs/slim/quant/picodet_s_quant.yml")
    found = candidates(identity, limit=5)
    assert found[0].entry.name == "picodet_s_320_coco_lcnet"
    assert found[0].entry.url == "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
    assert found[0].same_network and found[0].same_input_size and found[0].same_dataset
    legacy = [c for c in candidates(identity) if c.entry.name == "picodet_s_320_coco"]
    assert legacy and not legacy[0].same_network
    assert legacy[0].entry.superseded_by == "picodet_s_320_coco_lcnet"


def test_of_architecture_lists_exactly_that_architecture() -> None:
    from qatfix.registry.loader import load_registry

    registry = load_registry()
    picodet = registry.of_architecture("PicoDet")
    assert picodet and all(e.architecture == "PicoDet" for e in picodet)
    assert len(picodet) == sum(1 for e in registry if e.architecture == "PicoDet")
    assert registry.of_architecture("NoSuchArchitecture") == ()


def test_ranking_without_explanations_is_the_same_ranking(fixture_registry: Registry) -> None:
    identity = _identity(FIXTURES / "new", "configs/picodet/picodet_s_320_coco_lcnet.yml",
                         "configs/slim/quant/picodet_s_quant.yml")
    explained = candidates(identity, fixture_registry)
    quick = candidates(identity, fixture_registry, explain=False)
    assert [c.entry.url for c in quick] == [c.entry.url for c in explained]
    assert [c.same_network for c in quick] == [c.same_network for c in explained]
    assert all(q.differences == (() if q.same_network else None) for q in quick)
    assert any(c.differences for c in explained)
