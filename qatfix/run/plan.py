"""Which runs (`-c MODEL [--slim_config SLIM]`) to check for the files a user names.

A slim config means little on its own and a model config is often trained with a slim config:
each named file is checked through every pair it takes part in (the project's `.qatfix.toml`
pairs and the pairs the model-zoo READMEs document), as the model, the slim config, or a base of
either. Two named files where exactly one is a slim config are one run. An ACT config named with
a reader config is the ACT run with that reader (`qatfix.run.act_plan`). A base (neither a model
nor a slim config) is checked through the configs of its tree that inherit from it; any other
file is not checked, and said so (QF002).
"""
from __future__ import annotations

from dataclasses import dataclass
import functools
import os
from collections.abc import Iterable, Sequence

from qatfix.config import resolve
from qatfix.config.kind import kind_of
from qatfix.errors import QatfixError
from qatfix.findings import Finding
from qatfix.config.pairs import Pair, documented_pairs, project_root, read_pairs
from qatfix.run.unchecked import unchecked_file
from qatfix.config.repo_paths import find_run_root
from qatfix.config.inheritance import bases_of, config_files
from qatfix.config.resolve import BASE_KEY, YAML_SUFFIXES
from qatfix.config.repo_paths import read_text
from qatfix.registry import load_registry


@dataclass(frozen=True)
class Run:
    """One check: a model config, and the slim config trained on it (if any); or an ACT config
    and the reader config it is run with (if named)."""

    config: str
    slim: str | None = None
    reader: str | None = None


@dataclass(frozen=True)
class Plan:
    """The runs to check, and the named files that cannot be checked (QF002 findings)."""

    runs: tuple[Run, ...]
    unchecked: tuple[Finding, ...] = ()


def positional_pair(paths: Sequence[str]) -> Run | None:
    """`qatfix MODEL SLIM` (either order): two files, exactly one of them a slim config."""
    if len(paths) != 2 or not all(os.path.isfile(p) for p in paths):
        return None
    kinds = [kind_of(p) for p in paths]
    if sorted(kinds) != ["model", "slim"]:
        return None
    model, slim = (paths if kinds[0] == "model" else paths[::-1])
    return Run(model, slim)


def positional_act_pair(paths: Sequence[str]) -> Run | None:
    """`qatfix ACT READER` (either order): an ACT config and the reader config its script is
    run with (not when run.py reads another `Global.reader_config`: the plan says so)."""
    if len(paths) != 2 or not all(os.path.isfile(p) for p in paths):
        return None
    if "act" not in [kind_of(p) for p in paths]:
        return None
    from qatfix.run.act_plan import act_readers

    found = act_readers(paths)
    if len(found.pairs) != 1 or found.notes:
        return None
    act, reader = found.pairs[0]
    return Run(act, reader=reader)


class _Pairs:
    """Every known pair, as absolute paths, with the files each side's `_BASE_` chain reads."""

    def __init__(self, anchor: str) -> None:
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

    def through_bases(self, path: str, slim_only: bool = False) -> list[tuple[str, str]]:
        """Pairs whose model or slim config reads `path` through `_BASE_` (`slim_only`: whose
        slim config does; what a slim config is read through)."""
        if not _named_elsewhere(path):
            # no other config names the file: it is in no chain but its own
            return [p for p in self.pairs if path == p[1] or not slim_only and path == p[0]]
        if self._chains is None:
            self._chains = {}
        chains = self._chains
        for side in {s for p in self.pairs for s in (p[1:] if slim_only else p)} - set(chains):
            chains[side] = _chain_files(side)
        empty: set[str] = set()
        return [p for p in self.pairs
                if path in chains.get(p[1], empty)
                or not slim_only and path in chains.get(p[0], empty)]


def _named_elsewhere(path: str) -> bool:
    """Does a config of the tree holding `path` other than `path` itself name its file name?
    A `_BASE_` entry that reads the file names it, so a file no other config names is read
    through `_BASE_` by nothing in that tree (a plain text scan of the tree's `configs/`, far
    cheaper than resolving every pair's chain; the runs reading a file are found from the
    files on disk, never from texts being verified). Outside a PaddleDetection tree: assume
    so."""
    full = os.path.abspath(path)
    configs = os.path.join(find_run_root(full), "configs")
    if not os.path.isdir(configs) or not full.startswith(configs + os.sep):
        return True
    name = os.path.basename(full).encode()
    for folder, _, files in os.walk(configs):
        for file in files:
            other = os.path.join(folder, file)
            if other == full or not file.endswith(YAML_SUFFIXES):
                continue
            try:
                with open(other, "rb") as handle:
                    if name in handle.read():
                        return True
            except OSError:
                return True
    return False


def _chain_files(config: str) -> set[str]:
    """The files `config` reads through `_BASE_` (itself included): a file whose text names no
    `_BASE_` reads only itself, so only the others are resolved."""
    try:
        with open(config, encoding="utf-8", errors="replace") as handle:
            if BASE_KEY not in handle.read():
                return {os.path.abspath(config)}
        return {os.path.abspath(f) for f in resolve(config).files}
    except (OSError, QatfixError):
        return set()


def inheriting(path: str) -> list[str]:
    """Model and slim configs of the PaddleDetection tree holding `path` that read it through
    `_BASE_` (a changed base is checked through them), spelled like `path`."""
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
    from qatfix.run.act_plan import act_readers

    act = act_readers(files)
    unchecked: list[Finding] = list(act.notes)
    noted = {os.path.normpath(os.path.abspath(f.location.path)) for f in act.notes}
    for path in files:
        kind = kind_of(path)
        full = os.path.normpath(os.path.abspath(path))
        if kind == "other" and (full in act.read or full in noted):
            continue  # checked as the reader of an ACT run named with it, or said why not
        if kind in ("unreadable", "act"):
            # QF000 for an unreadable one; an ACT config is its own run, with a named reader
            runs[Run(path, reader=act.reader_of(path) if kind == "act" else None)] = None
            continue
        if known is None:
            known = _Pairs(path)
        pairs = known.with_side(full)
        if kind == "other" and not pairs:
            pairs = known.through_bases(full)
            heirs = [] if pairs else inheriting(path)
            if not pairs and not heirs:
                finding = unchecked_file(path)
                if finding is not None:
                    unchecked.append(finding)
                    continue
                runs[Run(path)] = None  # it cannot be read after all: QF000
                continue
            runs.update((Run(h), None) for h in heirs)
        if kind == "model":
            runs[Run(path)] = None
        for config, slim in pairs:
            runs[Run(_shown(config, path), _shown(slim, path))] = None
        if kind == "slim" and not pairs:
            runs[Run(path)] = None
    return Plan(tuple(runs), tuple(unchecked))


def _known_pairs(run_root: str) -> _Pairs:
    """The pairs of a tree, read again when its project settings file changed."""
    anchor = os.path.join(run_root, "configs", "_")
    project = project_root(os.path.dirname(anchor))
    stamp: tuple[float, ...] = ()
    if project is not None:
        for name in (".qatfix.toml", "pyproject.toml"):
            try:
                stamp += (os.stat(os.path.join(project, name)).st_mtime_ns,)
            except OSError:
                stamp += (-1,)
    return _pairs_at(anchor, stamp)


@functools.lru_cache(maxsize=8)
def _pairs_at(anchor: str, stamp: tuple[float, ...]) -> _Pairs:
    return _Pairs(anchor)


def runs_reading(path: str) -> list[Run]:
    """Every known run that reads `path`: the pairs (`.qatfix.toml`, model-zoo READMEs) with it
    on either side or in either side's `_BASE_` chain (a slim config: in a slim side's chain),
    and the float training run of every model config that is `path` or inherits from it. Paths
    absolute."""
    full = os.path.normpath(os.path.abspath(path))
    known = _known_pairs(find_run_root(full))
    kind = kind_of(full)
    found: dict[Run, None] = {}
    for config, slim in [*known.with_side(full),
                         *known.through_bases(full, slim_only=kind == "slim")]:
        found[Run(config, slim)] = None
    if kind == "slim":
        return list(found)  # model configs do not inherit slim configs: no float run reads it
    if kind == "model":
        found[Run(full)] = None
    for heir in inheriting(full):
        heir_path = os.path.normpath(os.path.abspath(heir))
        if kind_of(heir_path) == "model":
            found[Run(heir_path)] = None
    return list(found)
