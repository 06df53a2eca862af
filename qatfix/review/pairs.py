"""The project's pairs, as `qatfix review` reads them (defined in `qatfix.pairs` for every mode)."""
from __future__ import annotations

from qatfix.pairs import PROJECT_FILE, Pair, read_pairs

__all__ = ["PROJECT_FILE", "Pair", "read_pairs"]
