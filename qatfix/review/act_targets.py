"""The ACT runs a pull request asks to be checked: each changed ACT config with the reader it
is run with, and each changed reader config through the ACT configs beside it that run with it.

Nothing on a pull request names the reader, so the review takes the one the run would use
(`qatfix.run.act_reader_choice`: `Global.reader_config` where run.py reads it, the README's
command, the config's own key, else the reader beside it that fits), and says which it took.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from collections.abc import Iterable

from qatfix.run.act_reader_choice import ReaderChoice, chosen_reader
from qatfix.config.kind import kind_of
from qatfix.errors import QatfixError
from qatfix.config.inheritance import is_config_path
from qatfix.config.repo_paths import repo_relative
from qatfix.config import resolve
from qatfix.run.act_plan import is_reader_config
from qatfix.rules.act_run import act_run


@dataclass(frozen=True)
class ActTarget:
    """An ACT config (repository-relative), the reader it is checked with (None: the config's
    own `Global.reader_config`, or none known), and why."""

    config: str
    reader: str | None
    why: str

    @property
    def note(self) -> str:
        if self.reader is not None:
            return f"ACT config {self.config} is checked with the reader {self.reader}: {self.why}"
        return f"ACT config {self.config} is checked as it stands: {self.why}"


def _choice(root: str, rel: str) -> ReaderChoice | None:
    try:
        return chosen_reader(os.path.join(root, rel), root=root)
    except QatfixError:
        return None  # unreadable: checked alone, and reported as such


def _as_target(root: str, rel: str, choice: ReaderChoice | None) -> ActTarget:
    if choice is None:
        return ActTarget(rel, None, "it cannot be read")
    reader = repo_relative(root, choice.reader) if choice.reader else None
    return ActTarget(rel, reader, choice.why)


def _reads(root: str, target: ActTarget, reader: str) -> bool:
    """Does the run of `target` read `reader` (its chosen reader, or its Global.reader_config,
    through `_BASE_` as well)?"""
    used = target.reader
    if used is None:
        try:
            run = act_run(os.path.join(root, target.config), None, pasted=False, root=root)
        except QatfixError:
            return False
        used = repo_relative(root, run.reader_path) if run.reader_path else None
    if used is None:
        return False
    if used == reader:
        return True

    try:
        files = resolve(os.path.join(root, used), root=root).files
    except QatfixError:
        return False
    return reader in {repo_relative(root, f) for f in files}


def act_targets(root: str, affected: Iterable[str]) -> tuple[tuple[ActTarget, ...], set[str]]:
    """ACT targets for the affected files, and the affected files beside ACT configs that are
    readers: each is covered by the ACT runs that read it, or is named as not checked."""
    affected = sorted(affected)
    kinds = {rel: kind_of(os.path.join(root, rel)) for rel in affected}
    targets = {rel: _as_target(root, rel, _choice(root, rel))
               for rel in affected if kinds[rel] == "act"}
    covered: set[str] = set()

    for rel in (r for r in affected if kinds[r] == "other"
                and is_reader_config(os.path.join(root, r))):
        folder = os.path.join(root, os.path.dirname(rel))
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            act = repo_relative(root, os.path.join(folder, name))
            if act is None or not is_config_path(name) or \
                    kind_of(os.path.join(root, act)) != "act":
                continue
            covered.add(rel)
            target = targets.get(act) or _as_target(root, act, _choice(root, act))
            if _reads(root, target, rel):
                targets[act] = target
    return tuple(targets[k] for k in sorted(targets)), covered


def unread_readers(targets: Iterable[ActTarget], readers: Iterable[str], root: str) -> list[str]:
    """The readers beside ACT configs that none of the ACT runs reads."""
    runs = list(targets)
    return sorted(r for r in readers if not any(_reads(root, t, r) for t in runs))
