"""What the review shows for one finding: where and what, why it matters, and the edit as a diff."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping, Sequence

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.interactive.flow import Decision, Review
from qatfix.report.color import paint
from qatfix.report.text import INDENT, finding_lines
from qatfix.edit.apply import apply_text_edits
from qatfix.edit.diff import unified_diff

ShowPath = Callable[[str], str]


def _shown(finding: Finding, proposal: Fix | None, show_path: ShowPath) -> Finding:
    """The finding with display paths and only the fix under review (alternatives are asked)."""
    def place(loc: Location) -> Location:
        return Location(show_path(loc.path), loc.line, loc.column)

    return replace(finding, location=place(finding.location),
                   related=tuple(place(r) for r in finding.related), fix=proposal,
                   alternatives=())


def fix_diff(fix: Fix, originals: Mapping[str, str], show_path: ShowPath, *,
             color: bool) -> str:
    """The unified diff of one fix against the files as read."""
    by_path: dict[str, list[TextEdit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    return "".join(unified_diff(show_path(path), originals[path],
                                apply_text_edits(originals[path], edits), color=color)
                   for path, edits in by_path.items())


def item_text(review: Review, originals: Mapping[str, str], why: str | None,
              show_path: ShowPath, *, color: bool) -> str:
    """The block printed before the question about the current finding."""
    item = review.current
    if item is None:
        return ""
    counter = paint(f"[{review.position + 1}/{len(review.items)}]", "dim", enabled=color)
    lines = finding_lines(_shown(item.finding, review.proposal, show_path), color=color,
                          verbose=True)
    lines[0] = f"{counter} {lines[0]}"
    if why:
        lines.append(f"{INDENT}{paint('why:', 'dim', enabled=color)} {why}")
    if review.proposal is None:
        lines.append(f"{INDENT}no fix is proposed; choose the weights to load, or skip")
        return "\n" + "\n".join(lines) + "\n"
    diff = fix_diff(review.proposal, originals, show_path, color=color)
    return "\n" + "\n".join(lines) + "\n\n" + diff


_UNFIXED = {"skipped": "skipped", "not-reviewed": "not reviewed"}


def short_title(fix: Fix) -> str:
    """The title without the reason for its safety (notes are shown with the finding)."""
    return fix.title.split(" [", 1)[0]


def _written_where(fix: Fix, show_path: ShowPath) -> str:
    paths = list(dict.fromkeys(show_path(e.path) for e in fix.edits))
    return f" -> {', '.join(paths)}" if paths else ""


def decision_lines(decisions: Sequence[Decision], rejected: Mapping[int, str],
                   show_path: ShowPath) -> list[str]:
    """One line per finding reviewed: what became of it. `rejected`: decision index -> reason."""
    lines = []
    for index, decision in enumerate(decisions):
        loc = decision.finding.location
        where = f"{decision.finding.code} {show_path(loc.path)}:{loc.line}"
        if decision.fix is None:
            lines.append(f"{_UNFIXED.get(decision.outcome, decision.outcome):<12} {where}")
        elif index in rejected:
            lines.append(f"{'not applied':<12} {where}: {short_title(decision.fix)} "
                         f"({rejected[index]})")
        else:
            lines.append(f"{'applied':<12} {where}: {short_title(decision.fix)}"
                         f"{_written_where(decision.fix, show_path)}")
    return lines
