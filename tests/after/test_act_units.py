"""The pieces the ACT rules stand on: PaddleSlim's accepted keys, normalization equivalence."""
from __future__ import annotations

import importlib.util
import os

import pytest

from qatfix.act import strategy
from qatfix.model.deploy_normalization import RAW, exported, from_settings, of_transforms


def test_the_table_is_paddleslim_2_6s_own_classes() -> None:
    spec = importlib.util.find_spec("paddleslim")
    if spec is None or not spec.origin:
        pytest.skip("PaddleSlim is not installed")
    from importlib.metadata import version

    assert version("paddleslim") == "2.6.0"
    parsed = strategy._parse(os.path.join(os.path.dirname(spec.origin), "auto_compression",
                                          "strategy_config.py"))
    assert parsed == strategy.KEYS_2_6
    strategy.strategy_keys.cache_clear()
    assert strategy.strategy_keys().source.startswith("PaddleSlim 2.6.0 (")


def test_without_paddleslim_the_table_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(strategy.installed_paddleslim, "folder", lambda: None)
    strategy.strategy_keys.cache_clear()
    try:
        found = strategy.strategy_keys()
        assert found.keys == strategy.KEYS_2_6 and "not installed" in found.source
    finally:
        strategy.strategy_keys.cache_clear()


def test_two_spellings_of_divide_by_255_are_the_same() -> None:
    plain = from_settings({"mean": [0, 0, 0], "std": [1, 1, 1], "is_scale": True})
    none = from_settings({"mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0], "norm_type": "none"})
    imagenet = from_settings({"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})
    assert plain is not None and none is not None and imagenet is not None
    assert plain.same_as(none) and not plain.same_as(imagenet)
    assert from_settings({}) is not None and from_settings({}).same_as(imagenet)  # ppdet defaults
    assert of_transforms([{"Decode": {}}, {"Permute": {}}]) == RAW


def test_fused_normalization_expects_raw_pixels() -> None:
    reader = {"sample_transforms": [{"NormalizeImage": {"mean": [0.485, 0.456, 0.406],
                                                        "std": [0.229, 0.224, 0.225]}}]}
    assert exported({"TestReader": {**reader, "fuse_normalize": True}}) == RAW
    assert exported({"TestReader": reader}) != RAW
