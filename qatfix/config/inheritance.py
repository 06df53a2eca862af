"""Which configs in the repository inherit (through `_BASE_`) from a given file.

Files are read with qatfix's own loader (ppdet's YAML 1.1 reading, custom tags never built) and
bases located as ppdet locates them; bases that are absolute, start with `~` or climb out of the
repository are ignored here (the rules engine reports them when it checks the file).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from qatfix.config.repo_paths import inside_root, read_text, repo_relative
from qatfix.config.resolve import BASE_KEY, YAML_SUFFIXES
from qatfix.config import ConfigList, ConfigMap, base_path, load_document
from qatfix.errors import QatfixError

_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".venv"}


def is_config_path(path: str) -> bool:
    return path.lower().endswith(YAML_SUFFIXES)


def bases_of(root: str, rel: str, text: str | None = None) -> tuple[str, ...]:
    """The repository-relative files `rel` names in `_BASE_` (missing or unreadable: none)."""
    if text is None:
        text = read_text(root, rel)
    if text is None or BASE_KEY not in text:
        return ()

    full = os.path.join(root, rel)
    try:
        data = load_document(full).construct()
    except QatfixError:
        return ()  # unreadable: the engine reports it with a position
    raw = data.get(BASE_KEY) if isinstance(data, ConfigMap) else None
    if not isinstance(raw, ConfigList):
        return ()
    found: list[str] = []
    for base in raw:
        if not isinstance(base, str) or base.startswith(("/", "~")):
            continue
        target = repo_relative(root, base_path(full, base))
        if target is not None and inside_root(root, os.path.join(root, target)):
            found.append(target)
    return tuple(found)


def config_files(root: str) -> Iterator[str]:
    """Every `.yml`/`.yaml` file under `root` (repository-relative), symlinks not followed."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if is_config_path(name):
                full = os.path.join(dirpath, name)
                if not os.path.islink(full):
                    rel = repo_relative(root, full)
                    if rel is not None:
                        yield rel


def descendants(root: str, changed: Iterable[str],
                candidates: Iterable[str] | None = None) -> tuple[str, ...]:
    """Configs whose `_BASE_` chain (at any depth) includes one of `changed`, in path order.

    A file can only name a base it mentions, so each round parses just the files whose text
    contains the file name of a base found so far; that keeps a scan of a large configs tree
    to a text search plus a few parses.
    """
    texts: dict[str, str] = {}
    for rel in (config_files(root) if candidates is None else candidates):
        text = read_text(root, rel)
        if text is not None and BASE_KEY in text:
            texts[rel] = text
    frontier = set(changed)
    reached: set[str] = set()
    while frontier:
        names = {os.path.basename(f) for f in frontier}
        step: set[str] = set()
        for rel, text in texts.items():
            if rel in reached or rel in frontier or not any(n in text for n in names):
                continue
            if frontier.intersection(bases_of(root, rel, text)):
                step.add(rel)
        reached |= step
        frontier = step - set(changed)
    return tuple(sorted(reached - set(changed)))
