from __future__ import annotations

import pytest

from qatfix.registry import search
from qatfix.registry.index import Registry


def test_by_url_in_every_spelling(fixture_registry: Registry) -> None:
    for url in ("ppdet://models/picodet_s_320_coco.pdparams", "http://paddledet.bj.bcebos.com/models/picodet_s_320_coco",
                "https://bj.bcebos.com/v1/paddledet/models/picodet_s_320_coco.pdparams?x=1"):
        entry = fixture_registry.get_url(url)
        assert entry is not None and entry.name == "picodet_s_320_coco"
    assert fixture_registry.get_url("https://example.com/nothing.pdparams") is None
    assert fixture_registry.get_url("not a url") is None


def test_by_name_local_file_and_config(fixture_registry: Registry) -> None:
    assert [e.name for e in fixture_registry.get_file_name("picodet_s_320_coco.pdparams")] == ["picodet_s_320_coco"]
    assert [e.name for e in fixture_registry.get_local_path("~/.cache/paddle/weights/picodet_s_320_coco.pdparams")] == ["picodet_s_320_coco"]
    names = {e.name for e in fixture_registry.get_config_path("/somewhere/PaddleDetection/configs/picodet/picodet_s_416_coco_lcnet.yml")}
    assert names == {"picodet_s_416_coco_lcnet", "picodet_s_416_coco_lcnet_quant"}
    slim = fixture_registry.get_config_path("configs/slim/quant/picodet_s_416_lcnet_quant.yml")
    assert [e.name for e in slim] == ["picodet_s_416_coco_lcnet_quant"]


def test_find_weights_and_registry_lookup(fixture_registry: Registry) -> None:
    assert [e.name for e in fixture_registry.find("ppdet://models/picodet_s_320_coco")] == \
        ["picodet_s_320_coco"]
    # an unknown host with a known file name still finds the file by name
    assert [e.name for e in fixture_registry.find("https://mirror.example/picodet_s_320_coco.pdparams")] == \
        ["picodet_s_320_coco"]
    assert fixture_registry.find("output/model_final") == ()
    assert fixture_registry.find("  ") == ()
    entry = fixture_registry.lookup("ppdet://models/picodet_s_320_coco_lcnet.pdparams")
    assert entry is not None and entry.name == "picodet_s_320_coco_lcnet"
    assert fixture_registry.lookup("nothing") is None


@pytest.mark.parametrize("words, first", [
    (["picodet", "s", "320"], "picodet_s_320_coco_lcnet"),
    (["PicoDet-S", "320x320"], "picodet_s_320_coco_lcnet"),
    (["lcnet", "0.75"], "picodet_s_320_coco_lcnet"),
    (["esnet"], "picodet_s_320_coco"),
    (["quant"], "picodet_s_416_coco_lcnet_quant"),
])
def test_search(fixture_registry: Registry, words: list[str], first: str) -> None:
    found = search(words, fixture_registry)
    assert found and found[0].name == first


def test_search_puts_legacy_last_and_needs_every_word(fixture_registry: Registry) -> None:
    names = [e.name for e in search(["picodet", "320"], fixture_registry)]
    assert names.index("picodet_s_320_coco_lcnet") < names.index("picodet_s_320_coco")
    assert search(["picodet", "yolov3"], fixture_registry) == ()
    assert search([" "], fixture_registry) == ()


def test_search_words_are_read_like_zoo_names() -> None:
    from qatfix.registry.search import _tokens, _word_forms

    assert _tokens("picodet_xs_320_coco_lcnet.yml") == {"picodet", "xs", "320", "coco", "lcnet"}
    assert _tokens("320x320") == {"320"}
    assert {"ppyoloe", "plus"} in _word_forms("PP-YOLOE+")
    assert {"picodet", "s"} in _word_forms("PicoDet-S")
