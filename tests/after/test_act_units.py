"""The pieces the ACT rules stand on: PaddleSlim's accepted keys, normalization equivalence."""
from __future__ import annotations

import importlib.util
import os

import pytest

from qatfix.model import paddleslim_strategy as strategy
from qatfix.model.normalization import RAW, exported_input, from_arguments, infer_cfg_input
from tests.conftest import missing


def test_the_table_is_paddleslim_2_6s_own_classes() -> None:
    spec = importlib.util.find_spec("paddleslim")
    if spec is None or not spec.origin:
        missing("PaddleSlim is not installed")
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
    plain = from_arguments({"mean": [0, 0, 0], "std": [1, 1, 1], "is_scale": True})
    none = from_arguments({"mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0], "norm_type": "none"})
    imagenet = from_arguments({"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})
    unscaled = from_arguments({"is_scale": False, "mean": [123.675, 116.28, 103.53],
                               "std": [58.395, 57.12, 57.375]})
    assert plain is not None and none is not None and imagenet is not None
    assert plain.same_as(none) and not plain.same_as(imagenet)
    assert unscaled is not None and unscaled.same_as(imagenet)  # the same map, spelt in 0-255
    assert from_arguments({}) is not None and from_arguments({}).same_as(imagenet)  # defaults
    assert infer_cfg_input([{"type": "Resize"}, {"type": "Permute"}]) == RAW
    assert infer_cfg_input([{"type": "NormalizeImage", "mean": [0, 0, 0], "std": [1, 1, 1],
                             "is_scale": True}]).same_as(plain)


def test_fused_normalization_expects_raw_pixels() -> None:
    reader = {"sample_transforms": [{"NormalizeImage": {"mean": [0.485, 0.456, 0.406],
                                                        "std": [0.229, 0.224, 0.225]}}]}
    assert exported_input({"TestReader": {**reader, "fuse_normalize": True}}) == RAW
    assert not exported_input({"TestReader": reader}).same_as(RAW)
    # PP-YOLOE's readers normalize in batch_transforms
    batch = {"batch_transforms": [{"NormalizeImage": {"mean": [0, 0, 0], "std": [1, 1, 1]}}]}
    assert exported_input({"TestReader": batch}).same_as(
        from_arguments({"mean": [0, 0, 0], "std": [1, 1, 1]}))
