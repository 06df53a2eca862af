"""The part of an effective config that defines the network, as canonical JSON-able data.

Two configs build the same network when these sections are equal: the `architecture` key, the
section it names, every top-level section those reference by name (recursively), and the
top-level values ppdet shares into model classes (`__shared__`), such as `num_classes` or
`width_mult`. Readers, optimizers and runtime settings are left out on purpose.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: top-level keys ppdet (2.6 and develop) injects into model classes through `__shared__` and that
#: change the network; export/runtime flags (`trt`, `export_onnx`, `eval_size`, ...) are left out
SHARED_MODEL_KEYS: tuple[str, ...] = (
    "num_classes",
    "norm_type",
    "width_mult",
    "depth_mult",
    "act",
    "hidden_dim",
    "use_focal_loss",
    "proposal_embedding_dim",
    "num_cascade_stage",
    "num_cascade_stages",
    "mask_resolution",
    "freeze_norm",
    "down_ratio",
    "use_cot",
    "data_format",
)

IGNORED_WHEN_COMPARING: frozenset[str] = frozenset({"num_classes"})


def _referenced_names(value: Any, sections: Mapping[str, Any]) -> list[str]:
    """String values anywhere inside `value` that name a top-level section."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if item in sections and isinstance(sections[item], Mapping):
                found.append(item)
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(list(item)))
    return found


def model_sections(config: Mapping[str, Any], shared_keys: tuple[str, ...] = SHARED_MODEL_KEYS,
                   *, keep_empty: bool = True) -> dict[str, Any]:
    """The network-defining subset of a plain effective config (empty without `architecture`).

    `shared_keys` are the top-level values copied along (the `__shared__` names that matter);
    `keep_empty=False` leaves out empty sections (ppdet's global config has one per class).
    """
    architecture = config.get("architecture")
    if not isinstance(architecture, str):
        return {}
    result: dict[str, Any] = {"architecture": architecture}
    pending = [architecture]
    while pending:
        name = pending.pop(0)
        if name in result or not isinstance(config.get(name), Mapping) or not (
                keep_empty or config[name]):
            continue
        result[name] = config[name]
        pending.extend(_referenced_names(config[name], config))
    for key in shared_keys:
        if key in config and not isinstance(config[key], Mapping):
            result[key] = config[key]
    return json.loads(canonical_json(result))


def canonical_json(value: Any) -> str:
    """Sorted, compact JSON: equal data gives equal text."""
    try:
        return _dumps(value)
    except TypeError:  # keys json cannot sort (a null key beside strings) or cannot write (dates)
        return _dumps(_string_keys(value))


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _string_keys(value: Any) -> Any:
    """`value` with every mapping key spelt as JSON spells it (None -> "null", 1 -> "1")."""
    if isinstance(value, Mapping):
        return {k if isinstance(k, str) else _key_text(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_string_keys(v) for v in value]
    return value


def _key_text(key: Any) -> str:
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    return str(key)


_LEAVES = frozenset({str, int, bool, type(None)})


def without_keys(value: Any, keys: frozenset[str] = IGNORED_WHEN_COMPARING) -> Any:
    """`value` with `keys` removed at every depth and 1.0 written as 1 (ppdet treats them alike)."""
    if type(value) in _LEAVES:  # most values: no Mapping check (an ABC check is slow)
        return value
    if isinstance(value, Mapping):
        return {k: without_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without_keys(v, keys) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def network_key(sections: Mapping[str, Any]) -> str:
    """Canonical text of `sections` ignoring `num_classes`: equal keys mean the same network."""
    return canonical_json(without_keys(sections))
