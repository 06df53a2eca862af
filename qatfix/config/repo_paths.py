"""Repository-relative paths, keeping every file read inside the repository, and the checkout a
config belongs to.

A pull request is untrusted: a symlink or a `../` path must not make the bot read (or report
on) files outside the checked-out repository.
"""
from __future__ import annotations

import os


def inside_root(root: str, path: str) -> bool:
    """True when `path`, with symlinks resolved, lies inside `root`."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def repo_relative(root: str, path: str) -> str | None:
    """`path` (absolute, or relative to `root`) as a POSIX path relative to `root`; None outside."""
    full = path if os.path.isabs(path) else os.path.join(root, path)
    rel = os.path.relpath(os.path.normpath(full), os.path.normpath(os.path.abspath(root)))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


def read_text(root: str, rel: str, *, limit: int = 2_000_000) -> str | None:
    """The text of a repository file, or None when it is missing, outside, binary or huge."""
    full = os.path.join(root, rel)
    if not os.path.isfile(full) or not inside_root(root, full):
        return None
    if os.path.getsize(full) > limit:
        return None
    try:
        with open(full, encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def find_run_root(config_path: str) -> str:
    """The PaddleDetection root: the folder above the `configs` folder holding the config.

    Falls back to the current directory, where users run tools/train.py from.
    """
    parts = os.path.abspath(config_path).split(os.sep)
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] == "configs":
            return os.sep.join(parts[:index]) or os.sep
    return os.getcwd()
