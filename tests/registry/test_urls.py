from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from qatfix.registry.urls import canonical_url, is_url, weights_stem

CANONICAL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"


@pytest.mark.parametrize("spelling", [
    CANONICAL,
    "http://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams",
    "ppdet://models/picodet_s_320_coco.pdparams",
    "ppdet://models/picodet_s_320_coco",
    "https://PaddleDet.bj.bcebos.com/models/picodet_s_320_coco.pdparams?download=1#frag",
    "https://bj.bcebos.com/v1/paddledet/models/picodet_s_320_coco.pdparams",
    "  https://paddledet.bj.bcebos.com//models/picodet_s_320_coco  ",
])
def test_spellings_share_one_canonical_url(spelling: str) -> None:
    assert canonical_url(spelling) == CANONICAL


def test_other_hosts_keep_their_host() -> None:
    url = "https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/PPLCNet_x0_75_pretrained.pdparams"
    assert canonical_url(url.replace("https", "http")) == url


def test_local_paths_are_not_urls() -> None:
    assert not is_url("output/model_final")
    with pytest.raises(ValueError):
        canonical_url("~/.cache/paddle/weights/picodet_s_320_coco.pdparams")


@pytest.mark.parametrize("value, stem", [
    (CANONICAL, "picodet_s_320_coco"),
    ("~/.cache/paddle/weights/picodet_s_320_coco.pdparams", "picodet_s_320_coco"),
    ("C:\\weights\\picodet_s_320_coco", "picodet_s_320_coco"),
    ("ppdet://models/x.pdparams?x=1", "x"),
])
def test_stem(value: str, stem: str) -> None:
    assert weights_stem(value) == stem


@given(st.from_regex(r"[a-z0-9_]{1,20}(/[a-z0-9_.]{1,12}){0,3}", fullmatch=True))
def test_canonical_is_idempotent(path: str) -> None:
    url = canonical_url("ppdet://" + path)
    assert canonical_url(url) == url
    assert url.startswith("https://paddledet.bj.bcebos.com/") and url.endswith(".pdparams")
