"""What the bot has to say about one finding: where it is, its fingerprint, its suggestion."""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable, Mapping

from qatfix.findings import Finding, Location
from qatfix.run.gate import place_key
from qatfix.review.dedupe import fingerprint
from qatfix.review.diff_lines import FileDiff
from qatfix.config.repo_paths import repo_relative
from qatfix.review.suggestion import Suggestion, suggest


@dataclass(frozen=True)
class ReviewItem:
    """A finding placed in the repository (`path` is repository-relative when possible)."""

    finding: Finding
    path: str
    line: int
    fingerprint: str
    suggestion: Suggestion | None = None
    #: the finding's related locations as "path:line", repository-relative when possible
    related: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def _where(root: str, location: Location) -> str:
    path = repo_relative(root, location.path) or location.path
    return f"{path}:{location.line}" if location.line else path


def _suggestion_for(finding: Finding, root: str, diffs: Mapping[str, FileDiff],
                    read: Callable[[str], str | None]) -> Suggestion | None:
    fix = finding.fix
    if fix is None or fix.safety != "safe" or not fix.edits:
        return None
    paths = {repo_relative(root, e.path) for e in fix.edits}
    if len(paths) != 1:
        return None  # a suggestion edits one file
    (path,) = paths
    if path is None or path not in diffs:
        return None
    text = read(path)
    if text is None:
        return None
    return suggest(path, fix.edits, text, diffs[path])


def build_items(findings: Iterable[Finding], root: str, diffs: Mapping[str, FileDiff],
                read: Callable[[str], str | None], *, inline: bool = True) -> tuple[ReviewItem, ...]:
    """One item per distinct finding (the same finding reached from two configs counts once),
    in the one finding order (`qatfix.run.gate.place_key`) by repository path."""
    by_print: dict[str, ReviewItem] = {}
    for finding in findings:
        path = repo_relative(root, finding.location.path) or finding.location.path
        print_ = fingerprint(finding, path)
        if print_ in by_print:
            continue
        suggestion = _suggestion_for(finding, root, diffs, read) if inline else None
        related = tuple(_where(root, loc) for loc in finding.related)
        by_print[print_] = ReviewItem(finding, path, finding.location.line, print_, suggestion,
                                      related)
    return tuple(sorted(by_print.values(),
                        key=lambda i: (i.path, *place_key(i.finding)[1:], i.fingerprint)))
