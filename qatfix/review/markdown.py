"""Markdown pieces shared by the review and the job summary.

Messages can quote config values, which come from the pull request: they are escaped so they
cannot inject HTML (including fake qatfix markers) or @-mention people, and code blocks use a
fence longer than any backtick run they contain.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from qatfix.findings import Finding
from qatfix.review.items import ReviewItem
from qatfix.rules import all_rules
from qatfix.review.suggestion import normalise_newlines

_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """Plain text made inert: no HTML, no mentions, no line breaks."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "&#64;").replace("\r", " ").replace("\n", " ")


def code(text: str) -> str:
    """Inline code span that survives backticks in `text`."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fenced(info: str, body: str) -> str:
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}" if body else f"{fence}{info}\n{fence}"


def headline(finding: Finding) -> str:
    return f"**{escape(finding.code)}** ({finding.severity}): {escape(finding.message)}"


def codes_legend(findings: Iterable[Finding]) -> str:
    """What each code that occurs checks, from the rule catalogue, and where to read more."""
    rules = all_rules()
    lines = [f"- **{escape(c)}** {escape(rules[c].summary)} (`qatfix explain {c}`)"
             for c in sorted({f.code for f in findings}) if c in rules]
    return "\n".join(lines)


def see_also(item: ReviewItem) -> str:
    return ("See also: " + ", ".join(code(w) for w in item.related)) if item.related else ""


def fix_diff(finding: Finding) -> str:
    """The fix as a diff block: each edit's old lines with `-`, new lines with `+`."""
    assert finding.fix is not None
    out: list[str] = []
    for edit in finding.fix.edits:
        out += ["-" + s for s in normalise_newlines(edit.old_text).splitlines()]
        out += ["+" + s for s in normalise_newlines(edit.new_text).splitlines()]
    return fenced("diff", "\n".join(out))


def body_entry(item: ReviewItem) -> str:
    """A list entry for the review body or the job summary, fix included as a diff."""
    lines = [f"- {code(item.where)} {headline(item.finding)}"]
    if item.related:
        lines.append(f"  {see_also(item)}")
    fix = item.finding.fix
    if fix is not None:
        kind = "safe fix" if fix.safety == "safe" else "fix, review before applying"
        lines.append(f"  {kind.capitalize()}: {escape(fix.full_title)}")
        lines += ["  " + s for s in fix_diff(item.finding).splitlines()]
    return "\n".join(lines)
