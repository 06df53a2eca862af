"""What the builder noticed: README mistakes it settled on evidence, and what it could not settle."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


SETTLED, UNSETTLED, INFO = "settled", "unsettled", "info"
_ORDER = {UNSETTLED: 0, SETTLED: 1, INFO: 2}


@dataclass(frozen=True)
class ReportItem:
    """One observation about one weights file; `sources` are README/config file:line places."""

    status: str
    weights: str
    message: str
    sources: tuple[str, ...] = ()


def format_report(items: Iterable[ReportItem], counts: dict[str, int]) -> str:
    """The build report as text (stable order, so it can be committed and diffed)."""
    ordered = sorted(set(items), key=lambda i: (_ORDER.get(i.status, 9), i.weights, i.message, i.sources))
    lines = ["qatfix registry build report", ""]
    lines.append("entries: " + ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) +
                 f" (total {sum(counts.values())})")
    for status, title in ((UNSETTLED, "Could not settle (left as listed, or null)"),
                          (SETTLED, "Settled on evidence"),
                          (INFO, "Notes")):
        group = [i for i in ordered if i.status == status]
        lines += ["", f"{title}: {len(group)}"]
        for item in group:
            lines.append(f"- {item.weights}: {item.message}")
            lines.extend(f"    at {source}" for source in item.sources)
    return "\n".join(lines) + "\n"
