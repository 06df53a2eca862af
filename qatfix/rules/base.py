"""What a rule is, and what it yields.

A rule is a pure function of a `CheckContext` that yields `Issue`s. An issue's fixes are described
as `Change`s (set this key to that value, point this `_BASE_` entry elsewhere, ...); the engine turns
them into exact text edits with the rewriter, so rules never deal with text positions of edits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal

from qatfix.config.kind import PPDET_STEPS, Step
from qatfix.config.nodes import KeyPath
from qatfix.findings import Location, Safety, Severity

if TYPE_CHECKING:
    from qatfix.rules.context import CheckContext

#: where a rule's findings come from: the engine runs "static" and "online" rules on the
#: resolved config ("online" ones may use the network when the run allows it); "deep" findings
#: come from the paddle-backed `--deep` check, "run" findings from the run itself (a config that
#: cannot be read, a file that is not a PaddleDetection config)
Needs = Literal["static", "online", "deep", "run"]
#: the rules the engine calls on a `CheckContext`
ENGINE_NEEDS = ("static", "online")


@dataclass(frozen=True)
class Change:
    """One semantic edit a fix plans, of one of five kinds, each a record of its own: `SetKey`,
    `DeleteKey`, `SetBase`, `RenameKey`, `CreateFile`. Rules make them with the constructors
    below (`Change.set(...)`); `qatfix.edit.plan` turns each into text edits."""

    @staticmethod
    def set(key_path: KeyPath, value: Any, *, path: str = "",
            stale_comment: bool = False) -> "SetKey":
        """Give `key_path` the `value` (in `path`, or where the engine decides when "")."""
        return SetKey(key_path, value, path, stale_comment)

    @staticmethod
    def delete(key_path: KeyPath, *, path: str = "", occurrence: int = -1) -> "DeleteKey":
        """Remove `key_path` from `path` (`occurrence` 0 = the first of duplicate keys)."""
        return DeleteKey(key_path, path, occurrence)

    @staticmethod
    def base(index: int, value: str, *, path: str) -> "SetBase":
        """Point `_BASE_` entry number `index` of `path` at `value`."""
        return SetBase(index, value, path)

    @staticmethod
    def rename(key_path: KeyPath, new_name: str, *, path: str = "") -> "RenameKey":
        """Rename the key at `key_path` in `path` to `new_name`."""
        return RenameKey(key_path, new_name, path)

    @staticmethod
    def create(path: str, text: str) -> "CreateFile":
        """Write a new file `path` holding `text` (refused when the file exists)."""
        return CreateFile(path, text)


@dataclass(frozen=True)
class SetKey(Change):
    """Give `key_path` the `value`, in `path` or, when "", where the engine decides (the file
    that defines the effective value, or an override in the command line's file).
    `stale_comment`: a comment after the old value on its line describes that value (the mAP of
    the old weights, ...), so it goes when the value changes."""

    key_path: KeyPath
    value: Any
    path: str = ""
    stale_comment: bool = False


@dataclass(frozen=True)
class DeleteKey(Change):
    """Remove `key_path` from `path` (`occurrence` 0: only the first of duplicate keys)."""

    key_path: KeyPath
    path: str = ""
    occurrence: int = -1


@dataclass(frozen=True)
class SetBase(Change):
    """Replace `_BASE_` entry number `index` of `path` by `value`."""

    index: int
    value: str
    path: str


@dataclass(frozen=True)
class RenameKey(Change):
    """Rename the key at `key_path` in `path` (or the file the engine decides) to `new_name`."""

    key_path: KeyPath
    new_name: str
    path: str = ""


@dataclass(frozen=True)
class CreateFile(Change):
    """Write a new file `path` holding `text` (refused when the file exists)."""

    path: str
    text: str


#: a change of any kind, as a fix holds it
AnyChange = SetKey | DeleteKey | SetBase | RenameKey | CreateFile


@dataclass(frozen=True)
class PlannedFix:
    """A fix as a rule plans it: semantic changes, made into text edits by the engine."""

    title: str
    safety: Safety
    changes: tuple[AnyChange, ...]
    #: the value the fix sets, for lists of alternatives (a weights URL, a base file)
    value: str | None = None
    #: the slim config to run with after the fix, when the fix creates one
    slim_config: str | None = None
    #: why the fix is as safe as `safety` says
    reason: str = ""
    #: what else the change touches (other runs that read the edited line)
    note: str = ""
    #: the command line the run takes after the fix, when it names another slim config
    command: str = ""


@dataclass(frozen=True)
class Issue:
    """What a rule reports; the engine adds the code, severity and realised fixes."""

    message: str
    location: Location
    related: tuple[Location, ...] = ()
    fixes: tuple[PlannedFix, ...] = ()
    severity: Severity | None = None  # overrides the rule's default severity
    data: tuple[tuple[str, Any], ...] = ()
    #: one sentence of what goes wrong with its key figure (`Finding.headline`)
    headline: str = ""
    #: the fact in words that do not depend on the config (`Finding.fact`)
    fact: str = ""


@dataclass(frozen=True)
class Rule:
    """A rule: a stable code, what it checks (`summary`), why it matters (`explanation`), an
    example and what to write instead, the evidence for the claim, and the check itself."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str
    fix_safety: str
    check: Callable[["CheckContext"], Iterator[Issue]]
    #: where the findings come from (see `Needs`); the engine calls `check` for "static" and
    #: "online" rules only
    needs: Needs = "static"
    #: a command line that triggers the rule, run from a PaddleDetection checkout, optionally
    #: followed by the files it adds there, each after a `# configs/....yml` line (or
    #: `# deploy/auto_compression/...` for ACT runs; see `example_parts`); `explain` shows it
    #: and a test runs every one through qatfix
    example: str = ""
    #: what to write instead of the example
    instead: str = ""
    #: where the claim comes from: the ppdet / PaddleSlim source (file and function) or a
    #: measurement, so a reader can check the rule rather than trust it
    evidence: str = ""
    #: the other severities the rule's findings take, each with the situation it is used in
    #: (`severity` is the one of every other situation)
    situations: tuple[tuple[Severity, str], ...] = ()

    def severity_names(self) -> tuple[str, ...]:
        """Every severity the report prints for this code, the default first."""
        return tuple(dict.fromkeys([self.severity, *(s for s, _ in self.situations)]))
    #: the steps whose runs the engine checks with this rule: ppdet's scripts, or an ACT run
    applies_to: tuple[Step, ...] = PPDET_STEPS


def made_elsewhere(ctx: "CheckContext") -> Iterator[Issue]:
    """The `check` of a rule whose findings the engine does not make (`needs` "deep" or "run"):
    the `--deep` check or the run itself reports them."""
    return iter(())


#: the line that starts a file of an example: `# configs/some/file.yml`, or a file of an ACT
#: run (`# deploy/auto_compression/configs/some.yaml`, an exported model's files)
_EXAMPLE_FILE = ("# configs/", "# deploy/auto_compression/")


#: the line that says which PaddleSlim release an example is run with, when not the installed one
_EXAMPLE_PADDLESLIM = "# with PaddleSlim "


def example_paddleslim(example: str) -> str | None:
    """The PaddleSlim release an example needs ("2.4.1" from `# with PaddleSlim 2.4.1
    installed`, before its files), or None for the installed one."""
    for line in example.strip("\n").splitlines()[1:]:
        if line.startswith(_EXAMPLE_FILE):
            return None
        if line.startswith(_EXAMPLE_PADDLESLIM) and line.rstrip().endswith(" installed"):
            return line[len(_EXAMPLE_PADDLESLIM):].split()[0]
    return None


def example_parts(example: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A rule's example as (command line, ((path, text), ...)): the files the command needs
    added to a PaddleDetection checkout, paths relative to its root."""
    lines = example.strip("\n").splitlines(keepends=True)
    command = lines[0].strip() if lines else ""
    files: list[tuple[str, list[str]]] = []
    for line in lines[1:]:
        if line.startswith(_EXAMPLE_FILE):
            files.append((line[2:].strip(), []))
        elif files:
            files[-1][1].append(line)
    return command, tuple((path, "".join(body)) for path, body in files)
