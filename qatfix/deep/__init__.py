"""The paddle-backed checks (`--deep`, `qatfix inspect`): the only place paddle is imported.

Importing this package is cheap: paddle and ppdet are imported inside the functions that build
models or read weights. `match_state_dict` and `model_sections` need no paddle; what the
`--deep` codes mean is in `qatfix.rules.weights.deep_load`.
"""
from __future__ import annotations

from typing import Any

from qatfix.model.matching import Ambiguity, MatchResult, ShapeMismatch, match_state_dict
from qatfix.deep.build_sections import SHARED_KEYS, model_sections
import importlib

_LAZY = {
    "run_deep_check": "qatfix.deep.check",
    "DeepReport": "qatfix.deep.load_report",
    "BuiltModel": "qatfix.deep.build",
    "build_model": "qatfix.deep.build",
    "signature_from_sections": "qatfix.deep.build",
    "config_model_sections": "qatfix.deep.build",
    "CheckpointSizes": "qatfix.deep.checkpoint_bytes",
    "checkpoint_sizes": "qatfix.deep.checkpoint_bytes",
    "Signature": "qatfix.deep.signature",
    "WeightsSignature": "qatfix.deep.weights",
    "weights_signature": "qatfix.deep.weights",
    "read_signature": "qatfix.deep.weights",
    "fetch": "qatfix.deep.download",
    "inspect_weights": "qatfix.deep.inspect",
}

__all__ = ["SHARED_KEYS", "Ambiguity", "MatchResult", "ShapeMismatch",
           "match_state_dict", "model_sections", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qatfix.deep' has no attribute {name!r}")

    return getattr(importlib.import_module(module), name)
