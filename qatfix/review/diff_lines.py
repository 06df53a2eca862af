"""Which lines of a pull request's files GitHub accepts review comments on.

GitHub's list-files endpoint returns each file's unified-diff `patch`. A review comment with
`side: RIGHT` may sit on any added or context line of a hunk (numbered in the new file), and a
multi-line comment must start and end in the same hunk.
"""
from __future__ import annotations

from dataclasses import dataclass
import re


_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Hunk:
    """The new-file lines `first..last` (inclusive) shown by one hunk."""

    first: int
    last: int

    def covers(self, start: int, end: int) -> bool:
        return self.first <= start <= end <= self.last


@dataclass(frozen=True)
class FileDiff:
    """The commentable (RIGHT-side) lines of one changed file."""

    path: str
    hunks: tuple[Hunk, ...] = ()

    def covers(self, start: int, end: int) -> bool:
        """True when lines `start..end` may carry one review comment."""
        return any(h.covers(start, end) for h in self.hunks)

    def changed_lines(self) -> frozenset[int]:
        return frozenset(n for h in self.hunks for n in range(h.first, h.last + 1))


def parse_patch(path: str, patch: str | None) -> FileDiff:
    """Read the hunks of a `patch`; a missing patch (binary or too large) has no hunks.

    Line numbers are counted from the lines actually present rather than trusted from the
    header, so a truncated patch never yields a line GitHub would reject.
    """
    hunks: list[Hunk] = []
    line = 0
    first = last = 0

    def close() -> None:
        if last >= first > 0:
            hunks.append(Hunk(first, last))

    for text in (patch or "").splitlines():
        header = _HUNK_HEADER.match(text)
        if header:
            close()
            line = int(header.group(1))
            first, last = line, line - 1
            continue
        if not first or text.startswith("\\"):
            continue  # before the first hunk, or "\ No newline at end of file"
        if text.startswith("-"):
            continue  # LEFT side only
        # "+" added or " " context (some tools strip the space of an empty context line)
        last = line
        line += 1
    close()
    return FileDiff(path, tuple(hunks))
