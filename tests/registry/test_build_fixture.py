"""The builder on small trees made for the purpose: every rule of settling, on purpose."""
from __future__ import annotations

import json
from collections import Counter

from qatfix.registry.builder.assemble import BuildResult, build_registry
from qatfix.registry.builder.report import SETTLED, UNSETTLED
from tests.registry.conftest import ROOTS, TREE_INFO


def _entry(build: BuildResult, name: str):  # type: ignore[no-untyped-def]
    (found,) = [e for e in build.entries if e.name == name]
    return found


def test_counts_and_sources(fixture_build: BuildResult) -> None:
    assert Counter(e.kind for e in fixture_build.entries) == {"detector": 8, "backbone": 6, "slim": 2}
    document = json.loads(fixture_build.text)
    assert document["sources"] == [
        {"tree": "new", "branch": "develop", "commit": "0" * 40, "date": "2024-01-02"},
        {"tree": "old", "branch": None, "commit": None, "date": None}]


def test_deterministic_text() -> None:
    first = build_registry(ROOTS, tree_info=TREE_INFO)
    second = build_registry(ROOTS, tree_info=TREE_INFO)
    assert first.text == second.text and first.report == second.report
    assert first.text.endswith("]\n}\n")


def test_detector_entry_from_table(fixture_build: BuildResult) -> None:
    entry = _entry(fixture_build, "picodet_s_320_coco_lcnet")
    assert entry.url == "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
    assert (entry.kind, entry.tree, entry.config) == ("detector", "new", "configs/picodet/picodet_s_320_coco_lcnet.yml")
    assert (entry.architecture, entry.family, entry.variant, entry.backbone) == ("PicoDet", "picodet", "s",
                                                                                "LCNet(scale 0.75)")
    assert entry.input_size == (320, 320) and entry.train_sizes[0] == (256, 256)
    assert (entry.num_classes, entry.dataset, entry.num_params) == (80, "coco", 1206064)
    assert entry.sources == ("new:configs/picodet/README.md:5", "old:configs/picodet/README.md:4")
    assert entry.model is not None and entry.model["LCNet"] == {"feature_maps": [3, 4, 5], "scale": 0.75}


def test_wrong_weight_in_row_is_settled_by_its_namesake_config(fixture_build: BuildResult) -> None:
    entry = _entry(fixture_build, "ppyolo_mbv3_large_coco")
    assert entry.config == "configs/ppyolo/ppyolo_mbv3_large_coco.yml"
    assert entry.backbone == "MobileNetV3(model_name large, scale 1.0)"
    settled = [i for i in fixture_build.items if i.status == SETTLED and i.weights == "ppyolo_mbv3_large_coco"]
    assert len(settled) == 1
    assert "yolov3_darknet53_270e_coco.yml" in settled[0].message
    assert "backbone MobileNetV3(model_name large, scale 1.0) in weights, DarkNet(depth 53) in model" in \
        settled[0].message
    assert settled[0].sources == ("new:configs/slim/README.md:5",)


def test_rows_linking_different_networks_stay_unsettled(fixture_build: BuildResult) -> None:
    entry = _entry(fixture_build, "mystery_det")
    assert entry.config is None and entry.model is None
    (item,) = [i for i in fixture_build.items if i.status == UNSETTLED]
    assert item.weights == "mystery_det"
    assert item.sources == ("new:configs/slim/README.md:7", "new:configs/slim/README_en.md:3")
    assert "Could not settle (left as listed, or null): 1" in fixture_build.report


def test_rows_linking_the_same_network_pick_the_first(fixture_build: BuildResult) -> None:
    assert _entry(fixture_build, "voc_darknet").config == "configs/yolov3/yolov3_darknet53_270e_voc.yml"
    assert _entry(fixture_build, "voc_darknet").dataset == "voc"


def test_moved_config_link_is_found_by_file_name(fixture_build: BuildResult) -> None:
    entry = _entry(fixture_build, "picodet_s_320_coco")
    assert entry.config == "configs/picodet/legacy_model/picodet_s_320_coco.yml"
    assert entry.backbone == "ESNet(scale 0.75)"


def test_legacy_and_superseded(fixture_build: BuildResult) -> None:
    legacy = _entry(fixture_build, "picodet_s_320_coco")
    assert legacy.legacy and legacy.superseded_by == "picodet_s_320_coco_lcnet"
    old_only = _entry(fixture_build, "picodet_s_320_coco_v0")
    assert old_only.legacy and old_only.tree == "old" and old_only.config == "configs/picodet/picodet_s_320_coco.yml"
    assert any("listed only by old" in n for n in old_only.notes)
    assert not _entry(fixture_build, "picodet_s_320_coco_lcnet").legacy


def test_slim_entries(fixture_build: BuildResult) -> None:
    quant = _entry(fixture_build, "picodet_s_416_coco_lcnet_quant")
    assert (quant.kind, quant.slim_method) == ("slim", "qat")
    assert quant.slim_config == "configs/slim/quant/picodet_s_416_lcnet_quant.yml"
    assert quant.config == "configs/picodet/picodet_s_416_coco_lcnet.yml"
    assert quant.url == "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet_quant.pdparams"
    assert quant.num_params is None


def test_backbones_come_from_config_pretrain_weights(fixture_build: BuildResult) -> None:
    entry = _entry(fixture_build, "PPLCNet_x0_75_pretrained")
    assert (entry.kind, entry.config, entry.backbone, entry.family) == ("backbone", None, "LCNet(scale 0.75)", "lcnet")
    assert entry.sources[0] == "new:configs/picodet/picodet_s_320_coco_lcnet.yml:7"
    assert _entry(fixture_build, "ESNet_x1_0_pretrained").backbone == "ESNet(scale 1.0)"
