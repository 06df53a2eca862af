"""The signature of official weights without downloading them, for the user's ppdet version.

A registry entry names the config that trained the weights, in the tree it was found in. Its
model sections come from that tree, and another ppdet version may not build them (develop's
`MultiClassNMS: {cpu: ...}` is an unknown argument to paddledet 2.6). So, in order:

1. the signature store's build of that config for the tree the user's ppdet is (an installed
   paddledet X.Y is the release-X.Y tree): no build at all;
2. the same relative config in the user's own PaddleDetection tree, built with the user's ppdet;
3. the store's build of the config in its own tree (as that tree's ppdet built it).

Only when none applies are the registry's sections built; a failure there is a version mismatch
and is said in one sentence.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qatfix.deep.runtime import PpdetRuntime, PpdetSource
from qatfix.errors import DeepCheckError, QatfixError
from qatfix.model.signature import Signature
from qatfix.registry.signatures import signature_index
from qatfix.registry.signatures import signature_of


def tree_root(config: str | os.PathLike[str]) -> Path | None:
    """The PaddleDetection root of `config`: the folder above its `configs/` folder."""
    path = Path(config).resolve()
    for folder in path.parents:
        if folder.name == "configs" and (folder.parent / "configs").is_dir():
            return folder.parent
    return None


def store_tree_for(source: PpdetSource) -> str | None:
    """The store's tree built with the same ppdet as `source` (installed paddledet only)."""

    if source.checkout is not None:
        return None
    try:
        trees = signature_index().trees
    except QatfixError:
        return None
    wanted = f"paddledet {source.version} (installed package)"
    for name, info in sorted(trees.items()):
        if info.get("ppdet") == wanted:
            return name
    return None


def _stored(tree: str, config: str) -> Signature | None:
    try:
        return signature_of(tree, config)
    except QatfixError:
        return None


def official_signature(entry: Any, config: str | None,
                       runtime: PpdetRuntime) -> tuple[Signature, str] | None:
    """The signature of `entry`'s weights and where it came from, or None when neither the
    store nor the user's tree knows its config."""
    from qatfix.deep.build import build_model

    if not getattr(entry, "config", None):
        return None
    own_tree = store_tree_for(runtime.source)
    if own_tree:
        found = _stored(own_tree, entry.config)
        if found is not None:
            return found, (f"signature store: {entry.config} of {own_tree}, as "
                           f"{runtime.source.describe()} builds it")
    root = tree_root(config) if config else None
    if root is not None and (root / entry.config).is_file():
        path = str(root / entry.config)
        try:
            built = build_model(path, runtime=runtime)
        except DeepCheckError:
            built = None
        if built is not None:
            return built.signature, f"{path} of your tree, built with ppdet"
    if entry.tree:
        found = _stored(entry.tree, entry.config)
        if found is not None:
            return found, f"signature store: {entry.config} as the {entry.tree} tree's ppdet built it"
    return None


def version_mismatch(entry: Any, source: PpdetSource, reason: str) -> DeepCheckError:
    """One sentence for registry sections the user's ppdet cannot build."""
    tree = entry.tree or "another PaddleDetection version"
    return DeepCheckError(
        f"the registry describes {entry.name} with model sections of PaddleDetection {tree}, "
        f"which {source.describe()} cannot build ({reason}); run the deep check with a {tree} "
        "checkout's ppdet, put the weights file in the weights cache or where the config points, "
        "or allow the download (drop --offline)")
