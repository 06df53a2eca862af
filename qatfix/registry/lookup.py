"""Answer "which official weights is this?" for any way a config names weights.

`pretrain_weights` may be a URL in any spelling, a bare name, or a local file (ppdet caches
downloads as `~/.cache/paddle/weights/<stem>.pdparams`), with or without `.pdparams`.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Optional

from qatfix.registry.index import Registry
from qatfix.registry.loader import load_registry
from qatfix.registry.records import WeightEntry
from qatfix.registry.urls import is_url, weights_stem


def _registry(registry: Optional[Registry]) -> Registry:
    return registry if registry is not None else load_registry()


def find_by_url(url: str, registry: Optional[Registry] = None) -> Optional[WeightEntry]:
    """The entry for a weights URL (http/https, `ppdet://`, path-style bucket, query, no suffix)."""
    return _registry(registry).get_url(url)


def find_by_name(name: str, registry: Optional[Registry] = None) -> tuple[WeightEntry, ...]:
    """Entries with this stem; `name` may also be a file name (`x.pdparams`)."""
    return _registry(registry).get_name(weights_stem(name))


def find_by_local_path(path: str, registry: Optional[Registry] = None) -> tuple[WeightEntry, ...]:
    """Entries a local weights file is a download of, judged by its file name."""
    return find_by_name(PurePath(path.replace("\\", "/")).name, registry)


def config_key(config_path: str) -> str:
    """`configs/...` part of a path inside a PaddleDetection tree (the path itself otherwise)."""
    parts = PurePath(config_path.replace("\\", "/")).parts
    if "configs" in parts:
        index = len(parts) - 1 - parts[::-1].index("configs")
        return "/".join(parts[index:])
    return "/".join(parts)


def find_by_config(config_path: str, registry: Optional[Registry] = None) -> tuple[WeightEntry, ...]:
    """Entries trained with this config (or produced with it as slim config)."""
    return _registry(registry).get_config(config_key(config_path))


def find_weights(reference: str, registry: Optional[Registry] = None) -> tuple[WeightEntry, ...]:
    """Entries a `pretrain_weights`/`weights` value refers to.

    A URL known to the registry gives exactly its entry; an unknown URL or a local path falls back
    to the file name, which may match several entries (or none).
    """
    text = reference.strip()
    if not text:
        return ()
    if is_url(text):
        entry = find_by_url(text, registry)
        if entry is not None:
            return (entry,)
        return find_by_name(text, registry)
    return find_by_local_path(text, registry)
