"""Official weights: what model each file holds, and which files fit a model."""
from __future__ import annotations

from qatfix.registry.candidates import Candidate, candidates
from qatfix.registry.index import Registry
from qatfix.registry.loader import clear_cache, default_registry_path, load_registry, read_registry
from qatfix.registry.lookup import (
    config_key, find_by_config, find_by_local_path, find_by_name, find_by_url, find_weights,
)
from qatfix.registry.records import WeightEntry
from qatfix.registry.search import search
from qatfix.registry.urls import canonical_url, is_url, weights_stem

__all__ = [
    "Candidate", "Registry", "WeightEntry", "canonical_url", "candidates", "clear_cache", "config_key",
    "default_registry_path", "find_by_config", "find_by_local_path", "find_by_name", "find_by_url",
    "find_weights", "is_url", "load_registry", "read_registry", "search", "weights_stem",
]
