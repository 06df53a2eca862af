"""Model identity of real zoo configs (skipped without ../shared)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.config import resolve
from qatfix.model import compare_models, identify

pytestmark = pytest.mark.corpus


def _identity(root: Path, config: str):  # type: ignore[no-untyped-def]
    return identify(resolve(str(root / config)).plain(), config)


def test_picodet_s_320_lcnet(develop: Path) -> None:
    identity = _identity(develop, "configs/picodet/picodet_s_320_coco_lcnet.yml")
    assert (identity.architecture, identity.family, identity.variant) == ("PicoDet", "picodet", "s")
    assert identity.backbone == "LCNet(scale 0.75)"
    assert identity.input_size == (320, 320)
    assert identity.train_sizes == ((256, 256), (288, 288), (320, 320), (352, 352), (384, 384))
    assert (identity.num_classes, identity.dataset, identity.metric) == (80, "coco", "COCO")
    assert set(identity.model) >= {"architecture", "PicoDet", "LCNet", "LCPAN", "PicoHeadV2", "num_classes"}


def test_legacy_esnet_differs_from_lcnet(develop: Path) -> None:
    lcnet = _identity(develop, "configs/picodet/picodet_s_320_coco_lcnet.yml")
    esnet = _identity(develop, "configs/picodet/legacy_model/picodet_s_320_coco.yml")
    assert esnet.input_size == lcnet.input_size and esnet.variant == lcnet.variant
    assert not lcnet.same_network(esnet.model)
    assert compare_models(esnet.model, lcnet.model)[0].message == \
        "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in model"


def test_ppyoloe_plus_sizes(develop: Path) -> None:
    identity = _identity(develop, "configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml")
    assert identity.variant == "s"
    assert identity.backbone == "CSPResNet(width_mult 0.5, depth_mult 0.33)"
    assert identity.input_size == (640, 640)


def test_faster_rcnn_keep_ratio_size(develop: Path) -> None:
    identity = _identity(develop, "configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml")
    assert identity.input_size == (800, 1333)
    assert identity.backbone == "ResNet(depth 50, variant b)"
