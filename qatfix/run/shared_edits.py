"""A fix is safe only when no other run that reads the file it edits gets worse.

The runs that read a file: the pairs of `.qatfix.toml` and of the model-zoo READMEs that have it
on either side or in a `_BASE_` chain, the float training run of every model config that is it
or inherits from it, and the other runs of the same scan that read it. Each of them is checked
with the file as it is and as the fix would leave it; a run is worse when fewer of its tensors
load (the signatures' figure) or when it gains an error or warning it did not have. A safe fix
that makes any of them worse becomes unsafe, naming the run and the figure, and the first safe
alternative that touches only this run (a new slim file for this model, another slim config to
run with) takes its place.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import NamedTuple, Protocol

from qatfix.config import resolve
from qatfix.config.kind import kind_of
from qatfix.config.loader import Texts
from qatfix.edit.apply import apply_text_edits
from qatfix.edit.plan import current_text
from qatfix.rules.context import CheckContext
from qatfix.run.engine import contexts, run_rules, selected_rules
from qatfix.errors import QatfixError
from qatfix.findings import Finding, Fix
from qatfix.registry import load_registry
from qatfix.config.repo_paths import find_run_root
from qatfix.run.plan import runs_reading

#: (config, slim config or None), absolute paths
RunKey = tuple[str, "str | None"]


Loads = tuple[tuple[int, int] | None, ...]
#: (code, absolute path) of each error and warning a run gets
Problems = frozenset[tuple[str, str]]


class RunOutcome(Protocol):
    """What a run gets: per context the figure of tensors that load (None where no signature
    tells), and its errors and warnings."""

    @property
    def loads(self) -> Loads: ...

    @property
    def problems(self) -> Problems: ...


class RunState(NamedTuple):
    """A run's outcome as values."""

    problems: Problems
    loads: Loads


class PendingRun:
    """A run's outcome with some texts standing in for its files, each part worked out when
    first asked for: the figure needs only the resolved configs, the problems every rule, and
    a run whose figure drops is worse whatever its problems."""

    def __init__(self, config: str, slim: str | None, texts: dict[str, str],
                 root: str | None = None) -> None:
        self._run = (config, slim)
        self._root = root
        self._texts = Texts.of(texts)
        self._contexts: list[CheckContext] | None = None
        self._failed: QatfixError | None = None
        self._loads: Loads | None = None
        self._problems: Problems | None = None

    def _found(self) -> list[CheckContext]:
        if self._contexts is None and self._failed is None:
            try:
                self._contexts = contexts(*self._run, root=self._root, texts=self._texts)
            except QatfixError as exc:
                self._failed = exc
        return self._contexts or []

    @property
    def loads(self) -> Loads:
        if self._loads is None:
            figures: list[tuple[int, int] | None] = []
            for ctx in self._found():
                loading = ctx.official_loading
                loaded = loading.loaded if loading is not None else None
                figures.append((loaded, loading.total)
                               if loading is not None and loaded is not None else None)
            self._loads = tuple(figures)
        return self._loads

    @property
    def problems(self) -> Problems:
        if self._problems is None:
            found = self._found()
            if self._failed is not None:
                self._problems = frozenset({("QF000", self._failed.path or self._run[0])})
                return self._problems
            rules = selected_rules()
            problems: set[tuple[str, str]] = set()
            for ctx in found:
                for f in run_rules(ctx, rules, texts=self._texts):
                    if f.severity in ("error", "warning"):
                        problems.add((f.code, os.path.abspath(f.location.path)))
            self._problems = frozenset(problems)
        return self._problems


def run_state(config: str, slim: str | None, texts: dict[str, str]) -> RunState:
    """The run `-c config [--slim_config slim]` with `texts` standing in for the files."""
    pending = PendingRun(config, slim, texts)
    return RunState(pending.problems, pending.loads)


def worse(before: RunOutcome, after: RunOutcome) -> str:
    """How `after` is worse than `before` ("" when it is not)."""
    for was, now in zip(before.loads, after.loads):
        if was is not None and (now is None or now[0] < was[0]):
            now_text = f"{now[0]} of {now[1]}" if now is not None else "an unknown number"
            return f"{now_text} state-dict tensors would load instead of {was[0]} of {was[1]}"
    gained = sorted(after.problems - before.problems)
    if gained:
        return "it would get " + ", ".join(f"{code} in {_shown(path)}" for code, path in gained)
    return ""


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir) else rel


def model_written_for(slim: str, root: str | None = None) -> str | None:
    """The model config a slim config was written for: the one that trained the official
    detector weights it loads (absolute path; None when it loads none, or is no slim config)."""
    if kind_of(slim) != "slim":
        return None
    try:
        own = resolve(slim, root=root)
    except QatfixError:
        return None
    for key in ("pretrain_weights", "weights"):
        value = own.get(key)
        entry = load_registry().lookup(value.strip()) if isinstance(value, str) else None
        if entry is not None and entry.kind == "detector" and entry.config:
            path = os.path.join(find_run_root(slim), entry.config)
            if os.path.isfile(path):
                return os.path.normpath(path)
    return None


def run_label(run: RunKey) -> str:
    config, slim = run
    return f"-c {_shown(config)}" + (f" --slim_config {_shown(slim)}" if slim else "")


class SharedEdits:
    """Judges fixes against the other runs that read what they edit; states are cached, so
    each run is checked once as it is."""

    def __init__(self, scan: Iterable[RunKey] = (), root: str | None = None) -> None:
        #: review mode: no file outside this folder is read for any run judged
        self._root = root
        self._scan = [(os.path.abspath(c), os.path.abspath(s) if s else None) for c, s in scan]
        self._chains: dict[RunKey, frozenset[str]] | None = None
        self._before: dict[RunKey, PendingRun] = {}
        self._originals: dict[str, str] = {}

    def _scan_chains(self) -> dict[RunKey, frozenset[str]]:
        if self._chains is None:
            self._chains = {}
            for config, slim in self._scan:
                files: set[str] = set()
                for side in (config, slim):
                    if side:
                        try:
                            files |= {os.path.abspath(f) for f in resolve(side, root=self._root).files}
                        except (QatfixError, OSError):
                            files.add(side)
                self._chains[(config, slim)] = frozenset(files)
        return self._chains

    def readers(self, path: str) -> Iterator[RunKey]:
        """The runs that read `path` (absolute paths), cheapest to find first: the run a slim
        config was written for, the runs of this scan, then the known pairs and float runs of
        its tree. Each is found when the one before it has been judged, so judging stops at
        the first run a fix makes worse without scanning the tree."""
        full = os.path.abspath(path)
        written_for = model_written_for(full, self._root)
        if written_for is not None:
            yield written_for, full
        for key, files in self._scan_chains().items():
            if full in files:
                yield key
        try:
            for reader in runs_reading(full, self._root):
                yield reader.config, reader.slim
        except QatfixError:
            pass

    def _state_before(self, run: RunKey) -> PendingRun:
        if run not in self._before:
            self._before[run] = PendingRun(run[0], run[1], {}, self._root)
        return self._before[run]

    def broken_by(self, fix: Fix, own: RunKey) -> tuple[RunKey, str] | None:
        """The first other run `fix` makes worse, with how; None when it makes none worse."""
        edited = {e.path for e in fix.edits if os.path.lexists(e.path)}
        if not edited:
            return None  # a new file, or no edit at all: no other run reads it
        texts: dict[str, str] = {}
        for path in sorted(edited):
            key = os.path.abspath(path)
            if key not in self._originals:
                self._originals[key] = current_text(path, new=False)
            texts[key] = apply_text_edits(self._originals[key],
                                          [e for e in fix.edits if e.path == path])
        judged: set[RunKey] = {own}
        for path in sorted(edited):
            for run in self.readers(path):
                if run in judged:
                    continue
                judged.add(run)
                how = worse(self._state_before(run), PendingRun(run[0], run[1], texts, self._root))
                if how:
                    return run, how
        return None

    def judge(self, finding: Finding) -> Finding:
        """The finding with each safe fix kept safe only when no other run gets worse; when
        the first fix is not safe (any more), the first safe alternative takes its place."""
        if not any(f.safety == "safe" for f in finding.fixes):
            return finding
        own = (os.path.abspath(finding.config),
               os.path.abspath(finding.slim) if finding.slim else None)
        judged = [self._judged(fix, own) for fix in finding.fixes]
        if judged[0].safety != "safe":
            for index, fix in enumerate(judged):
                if fix.safety == "safe":
                    judged.insert(0, judged.pop(index))
                    break
        if tuple(judged) == finding.fixes:
            return finding
        return replace(finding, fix=judged[0], alternatives=tuple(judged[1:]))

    def _judged(self, fix: Fix, own: RunKey) -> Fix:
        if fix.safety != "safe":
            return fix
        try:
            broken = self.broken_by(fix, own)
        except QatfixError:
            return fix
        if broken is None:
            return fix
        run, how = broken
        return replace(fix, safety="unsafe", reason=f"it changes {run_label(run)} too: {how}")
