"""Official weights: what model each file holds, and which files fit a model.

Lookups are `Registry` methods (`find`, `lookup`, `get_url`, `get_file_name`, `get_local_path`,
`get_config_path`); `load_registry()` gives the shipped registry.
"""
from __future__ import annotations

from qatfix.registry.candidates import Candidate, candidates
from qatfix.registry.index import Registry, config_key
from qatfix.registry.loader import clear_cache, default_registry_path, load_registry, read_registry
from qatfix.registry.records import WeightEntry
from qatfix.registry.search import search
from qatfix.registry.urls import canonical_url, is_url, weights_stem

__all__ = [
    "Candidate", "Registry", "WeightEntry", "canonical_url", "candidates", "clear_cache", "config_key",
    "default_registry_path", "is_url", "load_registry", "read_registry", "search", "weights_stem",
]
