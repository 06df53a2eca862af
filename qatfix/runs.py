"""Which runs (`-c MODEL [--slim_config SLIM]`) to check for the files a user names.

A slim config means little on its own and a model config is often trained with a slim config:
each named file is checked through every pair it takes part in (the project's `.qatfix.toml`
pairs and the pairs the model-zoo READMEs document), as the model, the slim config, or a base of
either. Two named files where exactly one is a slim config are one run. A base (neither a model
nor a slim config) is checked through the configs of its tree that inherit from it; any other
file is not checked, and said so (QF002).
"""
from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from typing import Any

from qatfix.config import resolve
from qatfix.errors import QatfixError
from qatfix.findings import Finding
from qatfix.pairs import Pair, documented_pairs, project_root, read_pairs
from qatfix.record import record
from qatfix.unchecked import foreign_kind, not_understood


@record
class Run:
    """One check: a model config, and the slim config trained on it (if any)."""

    config: str
    slim: str | None = None


@record
class Plan:
    """The runs to check, and the named files that cannot be checked (QF002 findings)."""

    runs: tuple[Run, ...]
    unchecked: tuple[Finding, ...] = ()


def kind_of(path: str) -> str:
    """`model`, `slim`, `other` (a mapping qatfix does not check) or `unreadable`."""
    keys = _chain_keys(os.path.normpath(os.path.abspath(path)), ())
    if keys is None:
        return "unreadable"
    if "slim" in keys and "architecture" not in keys:
        return "slim"
    return "model" if "architecture" in keys else "other"


@functools.lru_cache(maxsize=4096)
def _chain_keys(path: str, chain: tuple[str, ...]) -> frozenset[str] | None:
    """Top-level keys of `path` and its `_BASE_` files (mappings merge, so none is lost); None
    when any of them cannot be read. Each file is read once per run, not once per config."""
    from qatfix.config import base_path, load_document

    if path in chain:
        return None
    try:
        found = _top_level(load_document(path))
    except QatfixError:
        return None
    if found is None:
        return None
    keys, bases = found
    for entry in bases:
        inherited = _chain_keys(base_path(path, entry), (*chain, path))
        if inherited is None:
            return None
        keys |= inherited
    return frozenset(keys)


def _top_level(document: Any) -> tuple[set[str], list[str]] | None:
    """The top-level keys and `_BASE_` entries, read off the node tree (building the data of
    every file would cost a second full read); the constructed data when the tree is unusual."""
    from qatfix.config.nodes import ConfigMap

    root = document.root
    plain = root is not None and root.kind == "map" and all(
        k.kind == "scalar" and isinstance(k.value, str) and k.value != "<<" for k, _ in root.value)
    if plain:
        keys = {k.value for k, _ in root.value}
        bases = [v for k, v in root.value if k.value == "_BASE_"]
        if not bases:
            return keys - {"_BASE_"}, []
        node = bases[-1]
        if node.kind == "seq" and all(n.kind == "scalar" and isinstance(n.value, str)
                                      for n in node.value):
            return keys - {"_BASE_"}, [n.value for n in node.value]
    data = document.construct()
    if not isinstance(data, ConfigMap):
        return None
    entries = data.get("_BASE_", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    return set(data) - {"_BASE_"}, list(entries)


def positional_pair(paths: Sequence[str]) -> Run | None:
    """`qatfix MODEL SLIM` (either order): two files, exactly one of them a slim config."""
    if len(paths) != 2 or not all(os.path.isfile(p) for p in paths):
        return None
    kinds = [kind_of(p) for p in paths]
    if sorted(kinds) != ["model", "slim"]:
        return None
    model, slim = (paths if kinds[0] == "model" else paths[::-1])
    return Run(model, slim)


class _Pairs:
    """Every known pair, as absolute paths, with the files each side's `_BASE_` chain reads."""

    def __init__(self, anchor: str) -> None:
        from qatfix.registry import load_registry
        from qatfix.rules.context import find_run_root

        found: dict[tuple[str, str], None] = {}
        project = project_root(os.path.dirname(os.path.abspath(anchor)))
        if project is not None:
            for pair in read_pairs(project):
                found[_absolute(project, pair)] = None
        run_root = find_run_root(anchor)
        for pair in documented_pairs(load_registry()):
            config, slim = _absolute(run_root, pair)
            if os.path.isfile(config) and os.path.isfile(slim):
                found[(config, slim)] = None
        self.pairs = list(found)
        self._chains: dict[str, set[str]] | None = None

    def with_side(self, path: str) -> list[tuple[str, str]]:
        return [p for p in self.pairs if path in p]

    def through_bases(self, path: str) -> list[tuple[str, str]]:
        """Pairs whose model or slim config reads `path` through `_BASE_`."""
        if self._chains is None:
            self._chains = {}
            for side in {s for p in self.pairs for s in p}:
                try:
                    self._chains[side] = {os.path.abspath(f) for f in resolve(side).files}
                except QatfixError:
                    self._chains[side] = set()
        chains = self._chains
        return [p for p in self.pairs if path in chains.get(p[0], ()) | chains.get(p[1], ())]


def inheriting(path: str) -> list[str]:
    """Model and slim configs of the PaddleDetection tree holding `path` that read it through
    `_BASE_` (a changed base is checked through them), spelled like `path`."""
    from qatfix.rules.context import find_run_root

    full = os.path.abspath(path)
    if "configs" not in full.split(os.sep)[:-1]:
        return []
    root = find_run_root(full)
    included_by = _included_by(root)
    rel = os.path.relpath(full, root).replace(os.sep, "/")
    reached: set[str] = set()
    frontier = {rel}
    while frontier:
        step = {heir for base in frontier for heir in included_by.get(base, ())} - reached
        reached |= step
        frontier = step
    found = []
    for heir in sorted(reached - {rel}):
        absolute = os.path.join(root, heir)
        if kind_of(absolute) in ("model", "slim"):
            found.append(_shown(absolute, path))
    return found


@functools.lru_cache(maxsize=4)
def _included_by(root: str) -> dict[str, tuple[str, ...]]:
    """base -> the files of the tree under `root` that list it in `_BASE_` (read once a run)."""
    from qatfix.inheritance import BASE_KEY, bases_of, config_files
    from qatfix.repo_paths import read_text

    index: dict[str, list[str]] = {}
    for rel in config_files(os.path.join(root, "configs")):
        rel = f"configs/{rel}"
        text = read_text(root, rel)
        if text is None or BASE_KEY not in text:
            continue
        for base in bases_of(root, rel, text):
            index.setdefault(base, []).append(rel)
    return {base: tuple(heirs) for base, heirs in index.items()}


def _absolute(root: str, pair: Pair) -> tuple[str, str]:
    return (os.path.normpath(os.path.join(root, pair.config)),
            os.path.normpath(os.path.join(root, pair.slim)))


def _shown(absolute: str, like: str) -> str:
    """`absolute` spelled the way the user spelled the file it came with (relative or not)."""
    if os.path.isabs(like):
        return absolute
    rel = os.path.relpath(absolute)
    return absolute if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def plan(paths: Iterable[str]) -> Plan:
    """The runs that check every file in `paths` (files, not folders)."""
    files = list(paths)
    if not files:
        return Plan(())
    known: _Pairs | None = None
    runs: dict[Run, None] = {}
    unchecked: list[Finding] = []
    for path in files:
        kind = kind_of(path)
        if kind == "unreadable":
            runs[Run(path)] = None  # checked alone, so the error surfaces as QF000
            continue
        if known is None:
            known = _Pairs(path)
        full = os.path.normpath(os.path.abspath(path))
        pairs = known.with_side(full)
        if kind == "other" and not pairs:
            pairs = known.through_bases(full)
            heirs = [] if pairs else inheriting(path)
            if not pairs and not heirs:
                unchecked.append(not_understood(path, foreign_kind(resolve(path).data)))
                continue
            runs.update((Run(h), None) for h in heirs)
        if kind == "model":
            runs[Run(path)] = None
        for config, slim in pairs:
            runs[Run(_shown(config, path), _shown(slim, path))] = None
        if kind == "slim" and not pairs:
            runs[Run(path)] = None
    return Plan(tuple(runs), tuple(unchecked))
