"""The part of an effective config that decides a model's parameters.

ppdet builds a model from `architecture`, the section named by it, every section those reference
(by name, or by a `{name: X, ...}` mapping) and the top-level keys modules read through
`__shared__` (num_classes, width_mult, ...). That plain dict is enough to rebuild the exact
key -> shape signature of a weights file without downloading it, which is what a registry entry
stores. Pure data handling: no paddle here.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping

#: every `__shared__` name of the modules registered by paddledet 2.6 (tests compare with ppdet)
SHARED_KEYS: tuple[str, ...] = (
    "act", "assign_on_cpu", "data_format", "depth_mult", "down_ratio", "eval_size",
    "exclude_nms", "exclude_post_process", "export_eb", "export_onnx", "for_distill", "for_mot",
    "freeze_norm", "hidden_dim", "mask_resolution", "metric", "mot_metric", "norm_type",
    "num_cascade_stage", "num_cascade_stages", "num_classes", "proposal_embedding_dim", "trt",
    "use_cot", "use_focal_loss", "use_shared_conv", "width_mult",
)


def _referenced_names(value: Any, sections: Mapping[str, Any]) -> list[str]:
    """Top-level section names a config value points at, in order of appearance."""
    found: list[str] = []
    if isinstance(value, str):
        if value in sections and isinstance(sections[value], Mapping):
            found.append(value)
    elif isinstance(value, Mapping):
        name = value.get("name")
        if isinstance(name, str) and name in sections and isinstance(sections[name], Mapping):
            found.append(name)
        for item in value.values():
            found.extend(_referenced_names(item, sections))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found.extend(_referenced_names(item, sections))
    return found


def model_sections(config: Mapping[str, Any]) -> dict[str, Any]:
    """`architecture`, the sections it reaches, and the shared top-level keys that are set.

    `config` is an effective config as plain data (e.g. `resolve(...).plain()`). Raises KeyError
    when it has no `architecture`.
    """
    architecture = config["architecture"]
    result: dict[str, Any] = {"architecture": architecture}
    pending = [architecture] if isinstance(architecture, str) else []
    while pending:
        name = pending.pop(0)
        if name in result or not isinstance(config.get(name), Mapping) or not config[name]:
            continue
        result[name] = copy.deepcopy(dict(config[name]))
        pending.extend(_referenced_names(config[name], config))
    for key in SHARED_KEYS:
        if key in config and not isinstance(config[key], Mapping):
            result[key] = copy.deepcopy(config[key])
    return result
