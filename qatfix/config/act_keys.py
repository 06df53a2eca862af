"""What makes a YAML file a PaddleSlim auto-compression (ACT) config, by its top-level keys, and
the sections PaddleSlim reads from it: a kind of config file (`qatfix.config.kind`)."""
from __future__ import annotations

from collections.abc import Collection

#: top-level sections of an ACT config: PaddleSlim 2.4+'s `SUPPORTED_CONFIG` and `TrainConfig`
#: (paddleslim/auto_compression/strategy_config.py), and the names of earlier releases
SECTIONS = frozenset({
    "QuantAware", "Distillation", "MultiTeacherDistillation", "HyperParameterOptimization",
    "ChannelPrune", "UnstructurePrune", "TransformerPrune", "ASPPrune", "QuantPost",
    "TrainConfig", "Quantization", "Prune",
})


def is_act_config(keys: Collection[str]) -> bool:
    """An ACT config has `Global` and at least one strategy section, and is no ppdet config."""
    return "Global" in keys and "architecture" not in keys and bool(SECTIONS.intersection(keys))
