"""Which configs inherit from a file; defined in `qatfix.inheritance` for every mode."""
from __future__ import annotations

from qatfix.inheritance import BASE_KEY, bases_of, config_files, descendants, is_config_path

__all__ = ["BASE_KEY", "bases_of", "config_files", "descendants", "is_config_path"]
