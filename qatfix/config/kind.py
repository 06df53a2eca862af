"""What kind of file a YAML file is, for ppdet: a model config, a slim config, or neither.

A model config (or one of its `_BASE_` files) sets `architecture`; a slim config sets `slim` and
no `architecture`; a PaddleSlim auto-compression (ACT) config has `Global` and a strategy
section. The top-level keys are read off the parsed node tree, each file once per run, so
telling a few hundred files apart costs far less than resolving them.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any, Literal

from qatfix.config.act_keys import is_act_config
from qatfix.errors import QatfixError
from qatfix.config import base_path, load_document
from qatfix.config.loader import DISK, Texts
from qatfix.config.nodes import ConfigMap
from qatfix.config.tree import MapNode, ScalarNode, SeqNode

#: ppdet's `slim:` modes (ppdet/slim/__init__.py build_slim_model), grouped as the rules ask
QAT_MODES = ("QAT", "PrunerQAT")
QUANT_MODES = ("QAT", "PTQ", "PrunerQAT")
PRUNE_MODES = ("Pruner", "PrunerQAT")
DISTILL_MODES = ("Distill", "DistillPrune")

#: the script a run is for: ppdet's tools/train.py, eval.py, export_model.py, infer.py and
#: post_quant.py, PaddleSlim auto-compression ("act": run_det.py / run.py), or a pasted command
#: that runs an exported model ("deploy": deploy/python/infer.py, the ACT eval scripts,
#: paddle2onnx)
Step = Literal["train", "eval", "export", "infer", "post_quant", "act", "deploy"]
PPDET_STEPS: tuple[Step, ...] = ("train", "eval", "export", "infer", "post_quant")
ACT_STEPS: tuple[Step, ...] = ("act",)
DEPLOY_STEPS: tuple[Step, ...] = ("deploy",)
ALL_STEPS: tuple[Step, ...] = (*PPDET_STEPS, *ACT_STEPS, *DEPLOY_STEPS)


#: what `kind_of` tells a YAML file apart as
FileKind = Literal["model", "slim", "act", "other", "unreadable"]


def kind_of(path: str, texts: Texts = DISK) -> FileKind:
    """`model`, `slim`, `act`, `other` (a mapping qatfix does not check) or `unreadable`, with
    `texts` standing in for files (the disk's answers are kept for the run, those are not)."""
    full = os.path.normpath(os.path.abspath(path))
    keys = _chain_keys_in(full, (), texts) if texts else _chain_keys(full, ())
    if keys is None:
        return "unreadable"
    if "slim" in keys and "architecture" not in keys:
        return "slim"
    if "architecture" in keys:
        return "model"
    return "act" if is_act_config(keys) else "other"


@functools.lru_cache(maxsize=4096)
def _chain_keys(path: str, chain: tuple[str, ...]) -> frozenset[str] | None:
    """Top-level keys of `path` and its `_BASE_` files (mappings merge, so none is lost); None
    when any of them cannot be read. Each file is read once per run, not once per config."""
    return _chain_keys_in(path, chain, DISK)


def _chain_keys_in(path: str, chain: tuple[str, ...], texts: Texts) -> frozenset[str] | None:
    """`_chain_keys` with `texts` standing in for files (disk reads go through its cache)."""
    if path in chain:
        return None
    try:
        found = _top_level(load_document(path, texts))
    except QatfixError:
        return None
    if found is None:
        return None
    keys, bases = found
    for entry in bases:
        base, below = base_path(path, entry), (*chain, path)
        inherited = _chain_keys_in(base, below, texts) if texts else _chain_keys(base, below)
        if inherited is None:
            return None
        keys |= inherited
    return frozenset(keys)


def _top_level(document: Any) -> tuple[set[str], list[str]] | None:
    """The top-level keys and `_BASE_` entries, read off the node tree (building the data of
    every file would cost a second full read); the constructed data when the tree is unusual."""

    root = document.root
    plain = isinstance(root, MapNode) and all(
        isinstance(k, ScalarNode) and isinstance(k.value, str) and k.value != "<<"
        for k, _ in root.pairs)
    if plain:
        keys = {k.value for k, _ in root.pairs}
        bases = [v for k, v in root.pairs if k.value == "_BASE_"]
        if not bases:
            return keys - {"_BASE_"}, []
        node = bases[-1]
        if isinstance(node, SeqNode) and all(isinstance(n, ScalarNode) and isinstance(n.value, str)
                                             for n in node.items):
            return keys - {"_BASE_"}, [n.value for n in node.items]  # type: ignore[union-attr]
    data = document.construct()
    if not isinstance(data, ConfigMap):
        return None
    entries = data.get("_BASE_", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    return set(data) - {"_BASE_"}, list(entries)


def is_slim_only(data: Mapping[str, Any]) -> bool:
    """A resolved config that is a slim config alone (`slim:` and no `architecture`)."""
    return "slim" in data and "architecture" not in data
