"""The project's pairs as reviews read them; defined in `qatfix.pairs` for every mode."""
from __future__ import annotations

from qatfix.pairs import PROJECT_FILE, Pair, known_pairs, read_pairs

__all__ = ["PROJECT_FILE", "Pair", "known_pairs", "read_pairs"]
