"""Repository-relative paths; defined in `qatfix.repo_paths` for every mode."""
from __future__ import annotations

from qatfix.repo_paths import inside_root, read_text, repo_relative

__all__ = ["inside_root", "read_text", "repo_relative"]
