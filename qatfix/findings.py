"""Records that flow from rules to reporters, the rewriter, the interactive review and the PR bot.

A rule yields `Finding`s; a finding may carry `Fix`es made of whole-line `TextEdit`s, which map
one-to-one onto a unified diff hunk and onto a GitHub "suggested change".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


Severity = Literal["error", "warning", "info"]
Safety = Literal["safe", "unsafe"]

SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Location:
    """A place in a file; line and column are 1-based (0 when unknown)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.path.startswith("<") and self.path.endswith(">"):
            # not a file (`<-o>`: the command line's -o options; line is the option's number)
            name = self.path[1:-1]
            return f"{name} option {self.line}" if self.line else name
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"


@dataclass(frozen=True)
class TextEdit:
    """Replace lines `start_line..end_line` (1-based, inclusive) of `path`.

    `old_text` is exactly the text of those lines (line endings included) and `new_text` what
    replaces them. An insertion has `end_line == start_line - 1` and empty `old_text`.
    """

    path: str
    start_line: int
    end_line: int
    old_text: str
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A proposed change. `safe` fixes may be applied without review (`--apply`)."""

    title: str
    safety: Safety
    edits: tuple[TextEdit, ...]
    #: what the fix sets, for choosing among alternatives (e.g. a weights URL)
    value: str | None = None
    #: the slim config the run uses after the fix, when the fix creates a new one
    slim_config: str | None = None
    #: why the fix is as safe as `safety` says ("" when the rule's fix safety says it all)
    reason: str = ""
    #: what else the change touches (other runs that read the edited line), shown with the
    #: detail of a report; "" when nothing
    note: str = ""
    #: the command line the run takes after the fix (a fix that writes or names another slim
    #: config), "" when it stays as it was
    command: str = ""

    @property
    def command_only(self) -> bool:
        """The fix is a corrected command line and edits no file (a pasted command's fix):
        `--apply` prints the command instead of writing anything."""
        return not self.edits and not self.slim_config and bool(self.command)

    @property
    def full_title(self) -> str:
        """The title with its command and note, as the detailed report and the machine formats
        give it."""
        title = f"{self.title} (then run {self.command})" if self.command else self.title
        return f"{title}; note: {self.note}" if self.note else title


@dataclass(frozen=True)
class Finding:
    """One thing that is wrong (or worth knowing) about a checked config."""

    code: str
    severity: Severity
    #: the whole message: what goes wrong, the evidence and the figures
    message: str
    location: Location
    #: other places involved: overridden definitions, the anchor an alias came from, ...
    related: tuple[Location, ...] = ()
    fix: Fix | None = None
    #: other fixes a user may choose instead of `fix` (e.g. further candidate weights)
    alternatives: tuple[Fix, ...] = ()
    #: the config named on the command line that this finding belongs to
    config: str = ""
    #: machine-readable facts about the finding (weights name, sizes, counts, ...)
    data: tuple[tuple[str, object], ...] = field(default=())
    #: the slim config of the run this finding came from ("" without one)
    slim: str = ""
    #: the reader config an ACT run was given (`run_det.py --config`, or named with the ACT
    #: config), as handed to qatfix ("" without one): re-checks run the same run
    reader: str = ""
    #: one sentence of what goes wrong with its key figure, for the concise report ("" when the
    #: message's first line already is that sentence)
    headline: str = ""
    #: the fact this finding states in words that do not depend on the config, so that a folder
    #: scan can fold the findings repeating it into one line ("" for findings never folded)
    fact: str = ""

    @property
    def short(self) -> str:
        """The concise report's message: the headline, else the message's first line."""
        return self.headline or (self.message.splitlines() or [""])[0]

    @property
    def fixes(self) -> tuple[Fix, ...]:
        return ((self.fix,) if self.fix else ()) + self.alternatives
