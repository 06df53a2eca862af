"""The run's report for people reading the job: plain text on stdout, markdown in the
job summary (`$GITHUB_STEP_SUMMARY`), which is also where findings go when the token may
not post a review (pull requests from forks)."""
from __future__ import annotations

import os
from collections.abc import Sequence

from qatfix.review.items import ReviewItem
from qatfix.review.markdown import body_entry, codes_legend


def text_report(items: Sequence[ReviewItem], status: str) -> str:
    lines = []
    for item in items:
        f = item.finding
        extra = " [suggested change]" if item.suggestion else (" [fix]" if f.fix else "")
        message = " ".join(f.message.split())
        lines.append(f"{item.where}: {f.severity} {f.code} {message}{extra}")
    lines.append(status)
    return "\n".join(lines)


def markdown_report(items: Sequence[ReviewItem], status: str) -> str:
    parts = ["## qatfix review", status]
    if items:
        parts.append("\n".join(body_entry(i) for i in items))
        parts.append("### What the codes mean\n\n" + codes_legend(i.finding for i in items))
    else:
        parts.append("No problems found in the changed configs.")
    return "\n\n".join(parts) + "\n"


def write_step_summary(markdown: str, path: str | None = None) -> bool:
    """Append to the job summary file when running in GitHub Actions; False elsewhere."""
    path = path if path is not None else os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as f:
        f.write(markdown)
    return True
