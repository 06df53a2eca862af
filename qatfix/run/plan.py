"""Which runs (`-c MODEL [--slim_config SLIM]`, or an ACT config with its reader) check what a
request names: the files a user names (`qatfix check`, the pre-commit hooks), or the files a
pull request changes in a checkout (`qatfix review`). `plan` is the one place that decides.

A slim config means little on its own and a model config is often trained with a slim config:
each named file is checked through every pair it takes part in (the project's `.qatfix.toml`
pairs and the pairs the model-zoo READMEs document), as the model, the slim config, or a base of
either. Two named files where exactly one is a slim config are one run. An ACT config named with
a reader config is the ACT run with that reader (`qatfix.run.act_plan`). A base (neither a model
nor a slim config) is checked through the configs of its tree that inherit from it; any other
file is not checked, and said so (QF002).

The changed files of a checkout are planned as a pull request's: only files inside the checkout
are read (no `_BASE_` leaving it is followed). Every changed config and every config inheriting
from one is checked; one that lies in a known pair's `_BASE_` chain is checked as that pair; a
changed ACT config with the reader its run uses (and the review says which and why); a changed
reader beside ACT configs through the ACT configs that run with it, or named as not checked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
import functools
import os
from collections.abc import Iterable, Iterator, Sequence

from qatfix.config import resolve
from qatfix.config.kind import kind_of
from qatfix.errors import QatfixError
from qatfix.findings import Finding
from qatfix.config.pairs import Pair, documented_pairs, known_pairs, project_root, read_pairs
from qatfix.run.unchecked import not_understood, unchecked_file
from qatfix.config.repo_paths import find_run_root
from qatfix.config.inheritance import bases_of, config_files, descendants, is_config_path
from qatfix.config.resolve import BASE_KEY, YAML_SUFFIXES
from qatfix.config.repo_paths import read_text
from qatfix.registry import load_registry
from qatfix.run.request import CheckRequest, expand


@dataclass(frozen=True)
class Run:
    """One check: a model config, and the slim config trained on it (if any); or an ACT config
    and the reader config it is run with (if named)."""

    config: str
    slim: str | None = None
    reader: str | None = None
    #: why this reader (or why none) where nothing named it: a pull request's ACT config
    why: str = ""

    @property
    def label(self) -> str:
        """The run as the command line that runs it."""
        if self.reader:
            return f"run_det.py --config {self.reader} --act_config_path {self.config}"
        return f"-c {self.config}" + (f" --slim_config {self.slim}" if self.slim else "")


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
        #: per `root` (None: any), each side's `_BASE_` chain
        self._chains: dict[str | None, dict[str, set[str]]] = {}

    def with_side(self, path: str) -> list[tuple[str, str]]:
        return [p for p in self.pairs if path in p]

    def through_bases(self, path: str, slim_only: bool = False,
                      root: str | None = None) -> list[tuple[str, str]]:
        """Pairs whose model or slim config reads `path` through `_BASE_` (`slim_only`: whose
        slim config does; what a slim config is read through); `root`: no chain is followed
        outside that folder (review mode)."""
        if not _named_elsewhere(path):
            # no other config names the file: it is in no chain but its own
            return [p for p in self.pairs if path == p[1] or not slim_only and path == p[0]]
        chains = self._chains.setdefault(root, {})
        for side in {s for p in self.pairs for s in (p[1:] if slim_only else p)} - set(chains):
            chains[side] = _chain_files(side, root)
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


def _chain_files(config: str, root: str | None = None) -> set[str]:
    """The files `config` reads through `_BASE_` (itself included): a file whose text names no
    `_BASE_` reads only itself, so only the others are resolved; none when a base lies outside
    `root`."""
    try:
        with open(config, encoding="utf-8", errors="replace") as handle:
            if BASE_KEY not in handle.read():
                return {os.path.abspath(config)}
        return {os.path.abspath(f) for f in resolve(config, root=root).files}
    except (OSError, QatfixError):
        return set()


def _checkout_chain(root: str, rel: str) -> set[str]:
    """`rel` and every file of the checkout `root` its `_BASE_` list reaches (bases outside the
    checkout are not followed)."""
    seen: set[str] = set()
    todo = [rel]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(bases_of(root, current))
    return seen


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


def plan(request: CheckRequest) -> Plan:
    """The runs that check what `request` names, and QF002 for what cannot be checked:

    - a pasted inference or conversion command (step `deploy`): its one run;
    - with a checkout (`root`): the files changed in it (`_changed`, see the module);
    - `-c CONFIG` / `--slim_config SLIM`: exactly the run they name, with the request's ACT
      reader (a named file of no config kind is not checked);
    - else every named file, folders expanded (`_named`)."""
    if request.root is not None:
        return _changed(request.paths, request.root)
    paths = request.targets()
    if request.step == "deploy":
        return Plan((Run(paths[0]),))
    files = expand(paths)
    if not request.explicit:
        named = _named(files)
        if request.reader is None:
            return named
        return Plan(tuple(run if run.reader else replace(run, reader=request.reader)
                          for run in named.runs), named.unchecked)
    runs: list[Run] = []
    unchecked: list[Finding] = []
    for path in files:
        if kind_of(path) == "other":
            finding = unchecked_file(path)
            if finding is not None:
                unchecked.append(finding)
                continue
        runs.append(Run(path, request.slim, request.reader))
    return Plan(tuple(runs), tuple(unchecked))


def _named(files: Sequence[str]) -> Plan:
    """The runs that check every named file (files, not folders)."""
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


def _changed(changed: Iterable[str], root: str) -> Plan:
    """The runs that check the files changed in the checkout `root` (relative to it), as
    absolute paths in path order (see the module): a changed config and every config inheriting
    from one; the known pairs whose `_BASE_` chains hold one of them instead of the lone files;
    each ACT config among them with the reader its run uses, and why; each reader config among
    them beside ACT configs through the ACT configs that run with it, or QF002 when none does;
    any other one alone."""
    from qatfix.run.act_plan import UNREAD_READER, changed_act_runs

    configs = sorted({p for p in changed if is_config_path(p)})
    affected = set(configs) | set(descendants(root, configs))
    found: dict[tuple[str, str | None, str | None], Run] = {}
    paired: set[str] = set()
    for pair in known_pairs(root, load_registry()):
        if affected & (_checkout_chain(root, pair.config) | _checkout_chain(root, pair.slim)):
            found[(pair.config, pair.slim, None)] = Run(os.path.join(root, pair.config),
                                                        os.path.join(root, pair.slim))
            paired |= {pair.config, pair.slim}
    act = changed_act_runs(root, affected - paired)
    for choice in act.runs:
        reader = os.path.join(root, choice.reader) if choice.reader else None
        found[(choice.config, None, choice.reader)] = Run(os.path.join(root, choice.config),
                                                          reader=reader, why=choice.note)
    alone = affected - paired - act.readers - {choice.config for choice in act.runs}
    for rel in alone:
        found[(rel, None, None)] = Run(os.path.join(root, rel))
    ordered = sorted(found, key=lambda key: (key[0], key[1] or "", key[2] or ""))
    unread = tuple(not_understood(os.path.join(root, rel), UNREAD_READER) for rel in act.unread)
    return Plan(tuple(found[key] for key in ordered), unread)


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


def runs_reading(path: str, root: str | None = None) -> Iterator[Run]:
    """Every known run that reads `path`, each once: the pairs (`.qatfix.toml`, model-zoo
    READMEs) with it on either side, then those with it in either side's `_BASE_` chain (a
    slim config: in a slim side's chain), then the float training run of every model config
    that is `path` or inherits from it. Paths absolute. Found lazily, cheapest first: a caller
    that stops early never scans the tree. `root`: no `_BASE_` is followed outside it."""
    full = os.path.normpath(os.path.abspath(path))
    known = _known_pairs(find_run_root(full))
    kind = kind_of(full)
    seen: set[Run] = set()

    def fresh(runs: Iterable[Run]) -> Iterator[Run]:
        for run in runs:
            if run not in seen:
                seen.add(run)
                yield run

    yield from fresh(Run(c, s) for c, s in known.with_side(full))
    yield from fresh(Run(c, s) for c, s in known.through_bases(full, slim_only=kind == "slim",
                                                                   root=root))
    if kind == "slim":
        return  # model configs do not inherit slim configs: no float run reads it
    if kind == "model":
        yield from fresh([Run(full)])
    for heir in inheriting(full):
        heir_path = os.path.normpath(os.path.abspath(heir))
        if kind_of(heir_path) == "model":
            yield from fresh([Run(heir_path)])
