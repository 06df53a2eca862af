"""Which reader config each named ACT config is run with (`qatfix ACT.yaml READER.yml`).

An ACT config and a reader config named together mean the ACT run of the one with the other,
as `run_det.py --config READER --act_config_path ACT` runs it, in either order. One reader named
with several ACT configs is the reader of each of them (develop documents one reader for a
whole family: `ppyoloe_plus_reader.yml` for PP-YOLOE+ s/m/l/x). Several readers are not
matched up by guessing: each ACT config is then checked as it stands and the readers no run
reads are named as not checked (QF002), with the command that checks one run.

Where the script reads `Global.reader_config` (release-2.6's run.py) and the ACT config sets
it to another file than the named reader, the run is checked with the config's reader, as
run.py would run it, and the named reader is reported as not used, with both ways out.

Files changed in a checkout name no reader (a pull request): each changed ACT config is run
with the reader its run would use (`qatfix.run.act_reader_choice`), which is said, and each
changed reader config through the ACT configs beside it that run with it (`changed_act_runs`).
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from collections.abc import Iterable, Sequence

from qatfix.config.kind import kind_of
from qatfix.errors import QatfixError
from qatfix.findings import Finding
from qatfix.run.act_reader_choice import ReaderChoice, chosen_reader
from qatfix.run.unchecked import not_understood
from qatfix.config import resolve
from qatfix.config.act_scripts import follows_reader_config
from qatfix.config.inheritance import is_config_path
from qatfix.config.repo_paths import repo_relative
from qatfix.model.act_run import act_run


@dataclass(frozen=True)
class ActReaders:
    """The reader of each named ACT config that takes a named one, and what the named
    readers become."""

    #: (ACT config, reader) as named
    pairs: tuple[tuple[str, str], ...] = ()
    #: named readers some run reads (named with it, or its Global.reader_config), absolute
    read: frozenset[str] = frozenset()
    #: QF002 for named readers that an ACT config named with them does not read, and why
    notes: tuple[Finding, ...] = ()

    def reader_of(self, act: str) -> str | None:
        return next((reader for config, reader in self.pairs if config == act), None)


def is_reader_config(path: str) -> bool:
    """A ppdet reader config: no model, slim or ACT config, with an EvalReader or datasets."""
    if kind_of(path) != "other":
        return False

    try:
        data = resolve(path).data
    except QatfixError:
        return False
    return bool({"EvalReader", "EvalDataset", "TrainDataset"} & set(data))


def _absolute(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def act_readers(files: Sequence[str]) -> ActReaders:
    """How the named ACT configs and reader configs among `files` go together (see module)."""
    acts = [path for path in files if kind_of(path) == "act"]
    if not acts:
        return ActReaders()

    readers = [path for path in files if is_reader_config(path)]
    single = readers[0] if len(readers) == 1 else None
    pairs: list[tuple[str, str]] = []
    read: set[str] = set()
    notes: list[Finding] = []
    for act in acts:
        try:
            run = act_run(act, None, pasted=False)
        except QatfixError:
            continue  # the ACT config is its own run, reported as unreadable
        own = run.reader_path
        if run.flat:  # post_quant.py reads the config's own EvalReader, never a named one
            if single is not None:
                notes.append(not_understood(single, (
                    f"a ppdet reader config that {act} does not read: PaddleSlim's "
                    f"post_quant.py and eval.py build the reader from {act} itself (its "
                    "EvalReader and TrainDataset), so the run was checked with those; copy "
                    "this reader's EvalReader into it to calibrate with it")))
            continue
        if own is not None and follows_reader_config(run.run_dir, True):
            read.add(_absolute(own))
            if single is not None and _absolute(single) != _absolute(own):
                notes.append(_not_its_reader(single, act, run.reader_shown or own, run.run_dir))
            continue
        if single is not None:
            pairs.append((act, single))
            read.add(_absolute(single))
        elif own is not None:
            read.add(_absolute(own))
    if len(readers) > 1:
        for reader in readers:
            if _absolute(reader) not in read:
                notes.append(not_understood(reader, _SEVERAL))
    return ActReaders(tuple(pairs), frozenset(read), tuple(notes))


_SEVERAL = ("a ppdet reader config named with ACT configs and other reader configs: qatfix "
            "does not guess which reader goes with which ACT config; name one reader with the "
            "ACT configs it feeds (qatfix ACT.yaml READER.yml), or paste the command (qatfix "
            "python run_det.py --config READER --act_config_path ACT)")


def _not_its_reader(reader: str, act: str, own: str, run_dir: str) -> Finding:
    """QF002: the named reader is not what run.py compresses `act` with."""
    shown = os.path.relpath(_absolute(reader), run_dir)
    act_shown = os.path.relpath(_absolute(act), run_dir)
    return not_understood(reader, (
        f"a ppdet reader config that {act} does not read: run.py reads Global.reader_config "
        f"({own}), so the run was checked with that reader, not with this one; to compress "
        f"with this reader set `reader_config: {shown}` under Global in {act}, or with "
        f"develop's run_det.py check `qatfix python run_det.py --config {shown} "
        f"--act_config_path {act_shown}`"))


#: why a changed reader config beside ACT configs is not checked
UNREAD_READER = ("a ppdet reader config beside ACT configs, but no ACT config there is known "
                 "to run with it (none names it in Global.reader_config, none is run with it "
                 "in the README, and none has it as the one reader beside it that fits)")


@dataclass(frozen=True)
class ActChoice:
    """An ACT config of a checkout (relative to it), the reader it is checked with (None: the
    config's own `Global.reader_config`, or none known), and why."""

    config: str
    reader: str | None
    why: str

    @property
    def note(self) -> str:
        if self.reader is not None:
            return f"ACT config {self.config} is checked with the reader {self.reader}: {self.why}"
        return f"ACT config {self.config} is checked as it stands: {self.why}"


@dataclass(frozen=True)
class ChangedAct:
    """The ACT runs of a checkout's changed files: each ACT config with its reader, the changed
    readers beside ACT configs (covered by those runs or not checked), and the readers of those
    that no run reads (relative to the checkout)."""

    runs: tuple[ActChoice, ...] = ()
    readers: frozenset[str] = frozenset()
    unread: tuple[str, ...] = ()


def _choice(root: str, rel: str) -> ReaderChoice | None:
    try:
        return chosen_reader(os.path.join(root, rel), root=root)
    except QatfixError:
        return None  # unreadable: checked alone, and reported as such


def _as_choice(root: str, rel: str, choice: ReaderChoice | None) -> ActChoice:
    if choice is None:
        return ActChoice(rel, None, "it cannot be read")
    reader = repo_relative(root, choice.reader) if choice.reader else None
    return ActChoice(rel, reader, choice.why)


def _reads(root: str, run: ActChoice, reader: str) -> bool:
    """Does `run` read `reader` (its chosen reader, or its Global.reader_config, through
    `_BASE_` as well)?"""
    used = run.reader
    if used is None:
        try:
            act = act_run(os.path.join(root, run.config), None, pasted=False, root=root)
        except QatfixError:
            return False
        used = repo_relative(root, act.reader_path) if act.reader_path else None
    if used is None:
        return False
    if used == reader:
        return True

    try:
        files = resolve(os.path.join(root, used), root=root).files
    except QatfixError:
        return False
    return reader in {repo_relative(root, f) for f in files}


def changed_act_runs(root: str, affected: Iterable[str]) -> ChangedAct:
    """The ACT runs that check the `affected` files of the checkout `root` (relative to it):
    each ACT config among them with its reader, and each reader config among them that lies
    beside ACT configs through those whose run reads it."""
    affected = sorted(affected)
    kinds = {rel: kind_of(os.path.join(root, rel)) for rel in affected}
    runs = {rel: _as_choice(root, rel, _choice(root, rel))
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
            run = runs.get(act) or _as_choice(root, act, _choice(root, act))
            if _reads(root, run, rel):
                runs[act] = run
    chosen = tuple(runs[k] for k in sorted(runs))
    unread = tuple(sorted(r for r in covered if not any(_reads(root, run, r) for run in chosen)))
    return ChangedAct(chosen, frozenset(covered), unread)
