"""What a rule is, and what it yields.

A rule is a pure function of a `CheckContext` that yields `Issue`s. An issue's fixes are described
as `Change`s (set this key to that value, point this `_BASE_` entry elsewhere, ...); the engine turns
them into exact text edits with the rewriter, so rules never deal with text positions of edits.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal

from qatfix.config.nodes import KeyPath
from qatfix.findings import Location, Safety, Severity
from qatfix.record import record

if TYPE_CHECKING:
    from qatfix.rules.context import CheckContext

ChangeKind = Literal["set", "delete", "base", "rename", "create"]


@record
class Change:
    """One semantic edit.

    - `set`: give `key_path` the `value` (in `path`, or where the engine decides when `path` is "");
    - `delete`: remove `key_path` from `path` (`occurrence` 0 = first, for duplicate keys);
    - `base`: replace `_BASE_` entry number `index` of `path` by `value`;
    - `rename`: rename the key at `key_path` in `path` to `value`;
    - `create`: write a new file `path` holding `value` (refused when the file exists).

    `stale_comment`: a comment after the old value on its line describes that value (the mAP of
    the old weights, ...), so it goes when the value changes.
    """

    kind: ChangeKind
    key_path: KeyPath = ()
    value: Any = None
    path: str = ""
    index: int = 0
    occurrence: int = -1
    stale_comment: bool = False


@record
class PlannedFix:
    """A fix as a rule plans it: semantic changes, made into text edits by the engine."""

    title: str
    safety: Safety
    changes: tuple[Change, ...]
    #: the value the fix sets, for lists of alternatives (a weights URL, a base file)
    value: str | None = None
    #: the slim config to run with after the fix, when the fix creates one
    slim_config: str | None = None
    #: why the fix is as safe as `safety` says
    reason: str = ""


@record
class Issue:
    """What a rule reports; the engine adds the code, severity and realised fixes."""

    message: str
    location: Location
    related: tuple[Location, ...] = ()
    fixes: tuple[PlannedFix, ...] = ()
    severity: Severity | None = None  # overrides the rule's default severity
    data: tuple[tuple[str, Any], ...] = ()


@record
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
    #: "static" rules run everywhere; "online" rules may use the network when allowed
    needs: Literal["static", "online"] = "static"
    #: real YAML (or a command line) that triggers the rule, for `explain` and the example test
    example: str = ""
    #: what to write instead of the example
    instead: str = ""
    #: where the claim comes from: the ppdet / PaddleSlim source (file and function) or a
    #: measurement, so a reader can check the rule rather than trust it
    evidence: str = ""
