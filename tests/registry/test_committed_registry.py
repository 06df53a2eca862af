"""The committed registry: valid against its schema, and exactly what the builder makes."""
from __future__ import annotations

import json

import pytest

from qatfix.registry import load_registry
from qatfix.registry.builder.files import NUM_PARAMS_FILE, TREES_FILE, read_json_object, read_num_params
from qatfix.registry.builder.assemble import build_registry
from qatfix.registry.loader import default_registry_path
from tests.conftest import REPO, require, tree

REGISTRY = REPO / "registry" / "weights.json"
SCHEMA = REPO / "registry" / "weights.schema.json"


def test_valid_against_schema() -> None:
    jsonschema = require("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(REGISTRY.read_text(encoding="utf-8"))))
    assert errors == [], errors[:3]


def test_schema_rejects_a_broken_entry() -> None:
    jsonschema = require("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(REGISTRY.read_text(encoding="utf-8"))
    document["weights"] = [dict(document["weights"][0], url="ppdet://models/x.pdparams", kind="model")]
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    # a ppdet:// URL (the registry stores canonical https) and an unknown kind, nothing else
    assert {(tuple(e.absolute_path), e.validator) for e in errors} == {
        (("weights", 0, "url"), "pattern"), (("weights", 0, "kind"), "enum")}, errors


def test_editable_install_finds_the_repository_file() -> None:
    assert default_registry_path() in (REGISTRY, REPO / "qatfix" / "_data" / "weights.json")
    assert load_registry() is load_registry()
    assert len(load_registry()) > 400


def test_every_entry_has_a_unique_url_and_known_kind() -> None:
    registry = load_registry(REGISTRY)
    urls = [e.url for e in registry]
    assert len(urls) == len(set(urls))
    assert {e.kind for e in registry} <= {"detector", "slim", "backbone", "pretrained"}
    seed = registry.lookup("ppdet://models/picodet_s_320_coco.pdparams")
    assert seed is not None and seed.legacy and seed.superseded_by == "picodet_s_320_coco_lcnet"


@pytest.mark.corpus
def test_rebuild_gives_the_committed_bytes() -> None:
    roots = [tree("develop"), tree("release-2.6")]
    folder = REGISTRY.parent
    result = build_registry(roots, tree_info=read_json_object(folder / TREES_FILE, "trees"),
                            num_params=read_num_params(folder / NUM_PARAMS_FILE))
    assert result.text == REGISTRY.read_text(encoding="utf-8")
    assert result.report == (folder / "build_report.txt").read_text(encoding="utf-8")


def test_model_sections_are_canonical_json_text() -> None:
    from qatfix.model.sections import canonical_json

    for entry in load_registry(REGISTRY):
        if entry.model_json is not None:
            model = json.loads(entry.model_json)
            assert canonical_json(model) == entry.model_json
            assert model["architecture"] == entry.architecture


def test_known_readme_mistakes_are_in_the_committed_report() -> None:
    report = (REGISTRY.parent / "build_report.txt").read_text(encoding="utf-8")
    # the slim README's YOLOv3-DarkNet53 baseline row links the PP-YOLO MobileNetV3 weights
    assert "- ppyolo_mbv3_large_coco: row links config configs/yolov3/yolov3_darknet53_270e_coco.yml" in report
    # the keypoint README swaps the HRNet-w32 weights of its two rows
    assert "- hrnet_w32_256x192: row links config configs/keypoint/hrnet/hrnet_w32_384x288.yml" in report
    registry = load_registry(REGISTRY)
    assert registry.lookup("ppdet://models/ppyolo_mbv3_large_coco.pdparams").config == \
        "configs/ppyolo/ppyolo_mbv3_large_coco.yml"
    assert registry.lookup("ppdet://models/keypoint/hrnet_w32_256x192.pdparams").input_size == (256, 192)
