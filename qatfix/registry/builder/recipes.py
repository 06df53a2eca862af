"""Derive `registry/recipes.json` from the trees and the committed weights registry (no paddle).

Normalization: the config of every official weights file, resolved as ppdet resolves it.
Pruning lists: every slim config under `configs/slim/` with a `Pruner`/`PrunerQAT` section (or the
section its `pruner:` names), paired with the model configs the READMEs document it with (the
registry's slim entries) and the config that trained its `pretrain_weights`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping

from qatfix.config import resolve
from qatfix.errors import QatfixError
from qatfix.model.normalization import READERS, reader_normalization
from qatfix.model.pruning import pruner_arguments
from qatfix.registry.builder.files import write_atomically
from qatfix.registry.recipes import dump_recipes, names_digest, recipes_path
from qatfix.registry.urls import canonical_url, is_url
from qatfix.registry import load_registry
from qatfix.registry.recipes import clear_cache


def _relative(path: str, root: Path) -> str:
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()


def config_inputs(root: Path, config: str) -> dict[str, Any] | None:
    """The normalization record of one config of a tree, None when it cannot be resolved."""
    try:
        resolved = resolve(str(root / config))
    except QatfixError:
        return None
    record: dict[str, Any] = {}
    for reader in READERS:
        found = reader_normalization(resolved.get, reader)
        record[reader.replace("Reader", "").lower()] = found.as_json() if found else None
        if reader == "TrainReader" and found is not None:
            origin = resolved.origin(found.key_path[:3])
            record["reader"] = _relative(origin.path, root) if origin else None
    record.setdefault("reader", None)
    return record if record["train"] or record["eval"] else None


def _prune_lists(roots: Mapping[str, Path], registry: Any) -> dict[str, Any]:
    lists: dict[str, dict[str, set[str]]] = {}
    for tree, root in sorted(roots.items()):
        for path in sorted((root / "configs" / "slim").rglob("*.yml")):
            rel = path.relative_to(root).as_posix()
            try:
                data = resolve(str(path)).plain()
            except QatfixError:
                continue
            pruner = pruner_arguments(data)
            names = pruner.names if pruner else None
            if not names:
                continue
            found = lists.setdefault(names_digest(names),
                                     {"slims": set(), "configs": set(), "weights": set()})
            found["slims"].add(f"{tree}:{rel}")
            found["configs"].update(e.config for e in registry
                                    if e.slim_config == rel and e.config)
            weights = data.get("pretrain_weights")
            # a DistillPrune slim config is the teacher's: its weights are not the pruned network's
            if data.get("slim") != "DistillPrune" and isinstance(weights, str) and weights.strip():
                url = canonical_url(weights.strip()) if is_url(weights.strip()) else weights
                found["weights"].add(url)
                entry = registry.lookup(url)
                if entry is not None and entry.config:
                    found["configs"].add(entry.config)
    return {digest: {key: sorted(values) for key, values in found.items()}
            for digest, found in lists.items()}


_LAUNCH = re.compile(r"paddle\.distributed\.launch\s[^\n`|]*?--gpus[= ]([0-9,]+)\s+tools/train\.py"
                     r"\s+-c\s+(\S+\.yml)(?:\s+--slim_config[= ](\S+\.yml))?")


def _launches(roots: Mapping[str, Path]) -> dict[str, Any]:
    """The GPU count, batch size and learning rate of every training command the trees'
    READMEs write with `paddle.distributed.launch --gpus`, by `TREE:CONFIG[|SLIM]`."""
    counts: dict[str, dict[int, int]] = {}
    for tree, root in sorted(roots.items()):
        for readme in sorted((root / "configs").rglob("*.md")):
            for gpus, config, slim in _LAUNCH.findall(readme.read_text(encoding="utf-8")):
                if not (root / config).is_file() or (slim and not (root / slim).is_file()):
                    continue
                key = f"{tree}:{config}" + (f"|{slim}" if slim else "")
                number = len([g for g in gpus.split(",") if g])
                counts.setdefault(key, {})
                counts[key][number] = counts[key].get(number, 0) + 1
    found: dict[str, Any] = {}
    for key, by_count in counts.items():
        gpus = max(by_count, key=lambda n: (by_count[n], n))  # the most written, then the most
        tree, _, rest = key.partition(":")
        config, _, slim = rest.partition("|")
        try:
            resolved = resolve(str(roots[tree] / config), str(roots[tree] / slim) if slim else None)
        except QatfixError:
            continue
        batch = resolved.get(("TrainReader", "batch_size"))
        lr = resolved.get(("LearningRate", "base_lr"))
        if isinstance(batch, int) and isinstance(lr, (int, float)) and not isinstance(lr, bool):
            found[key] = {"gpus": gpus, "batch_size": batch, "base_lr": lr}
    return found


def derive_recipes(roots: Mapping[str, Path]) -> dict[str, Any]:
    """The recipes index of the trees in `roots` (label -> PaddleDetection root)."""

    registry = load_registry()
    normalization: dict[str, Any] = {}
    for entry in registry:
        if not entry.tree or not entry.config or entry.tree not in roots:
            continue
        key = f"{entry.tree}:{entry.config}"
        if key in normalization or not (roots[entry.tree] / entry.config).is_file():
            continue
        found = config_inputs(roots[entry.tree], entry.config)
        if found is not None:
            normalization[key] = found
    return {"normalization": normalization, "pruned_params": _prune_lists(roots, registry),
            "launches": _launches(roots)}


def rederive_recipes(roots: Mapping[str, Path], *, write: bool = True) -> bool:
    """Rederive recipes.json from `roots`; True when it changed (written unless `write` is off)."""

    text = dump_recipes(derive_recipes(roots))
    path = recipes_path()
    try:
        changed = path.read_text(encoding="utf-8") != text
    except FileNotFoundError:
        changed = True
    if changed and write:
        write_atomically(path, text)
        clear_cache()
    return changed
