"""The one review a run posts: inline suggestions plus a body listing everything else.

Fingerprints go into hidden markers on the last line of the review body and of each comment,
where `dedupe` looks for them on the next run.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qatfix.review.dedupe import REVIEW_MARKER, fingerprint_marker
from qatfix.review.items import ReviewItem
from qatfix.review.markdown import body_entry, code, escape, fenced, headline, see_also

#: keep one review readable (and well under GitHub's 65536-character body limit)
MAX_COMMENTS = 50
MAX_BODY_ENTRIES = 60


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}es" if word.endswith("x") else f"{n} {word}s"


def comment_body(item: ReviewItem) -> str:
    finding, fix = item.finding, item.finding.fix
    assert item.suggestion is not None and fix is not None
    parts = [headline(finding), see_also(item), f"Suggested fix: {escape(fix.full_title)}",
             fenced("suggestion", item.suggestion.replacement)]
    if finding.alternatives:
        others = ", ".join(escape(alt.full_title) for alt in finding.alternatives)
        parts.append(f"Other candidates: {others}")
    parts.append(fingerprint_marker([item.fingerprint]))
    return "\n\n".join(p for p in parts if p)


def review_comment(item: ReviewItem) -> dict[str, Any]:
    """One entry of the create-review `comments` array (line-based, RIGHT side)."""
    s = item.suggestion
    assert s is not None
    comment: dict[str, Any] = {"path": s.path}
    if s.start_line < s.end_line:
        comment.update(start_line=s.start_line, start_side="RIGHT")
    comment.update(line=s.end_line, side="RIGHT", body=comment_body(item))
    return comment


def _severity_counts(items: Sequence[ReviewItem]) -> str:
    counts = {sev: sum(1 for i in items if i.finding.severity == sev)
              for sev in ("error", "warning", "info")}
    return ", ".join(_plural(n, sev) for sev, n in counts.items() if n)


def review_body(inline: Sequence[ReviewItem], listed: Sequence[ReviewItem], *,
                earlier: int = 0, left_out: int = 0) -> str:
    everything = [*inline, *listed]
    parts = [REVIEW_MARKER,
             f"**qatfix** found {_plural(len(everything), 'problem')} in PaddleDetection "
             f"configs ({_severity_counts(everything)})."]
    if inline:
        parts.append("1 fix is attached as a suggested change." if len(inline) == 1 else
                     f"{len(inline)} fixes are attached as suggested changes.")
    if listed:
        title = "Not on a changed line, or without a one-click fix:" if inline else "Findings:"
        parts.append(title + "\n\n" + "\n".join(body_entry(i) for i in listed))
    if left_out:
        parts.append(f"{_plural(left_out, 'more finding')} will follow in the next review; "
                     f"run {code('qatfix')} locally to see everything now.")
    if earlier:
        parts.append(f"{_plural(earlier, 'finding')} reported in an earlier review "
                     f"{'is' if earlier == 1 else 'are'} still present.")
    parts.append(fingerprint_marker(i.fingerprint for i in everything))
    return "\n\n".join(p for p in parts if p)


def build_review(items: Sequence[ReviewItem], commit_id: str, *, with_comments: bool = True,
                 earlier: int = 0) -> dict[str, Any]:
    """The create-review request body (`event: COMMENT`) for `items`."""
    inline = [i for i in items if with_comments and i.suggestion is not None][:MAX_COMMENTS]
    chosen = {id(i) for i in inline}
    rest = [i for i in items if id(i) not in chosen]
    listed, left_out = rest[:MAX_BODY_ENTRIES], len(rest) - len(rest[:MAX_BODY_ENTRIES])
    review: dict[str, Any] = {
        "commit_id": commit_id,
        "event": "COMMENT",
        "body": review_body(inline, listed, earlier=earlier, left_out=left_out),
    }
    if inline:
        review["comments"] = [review_comment(i) for i in inline]
    return review
