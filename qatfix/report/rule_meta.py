"""Rule descriptions for SARIF `rules[]` and rdjson `code.url`, from whatever the rules package gives.

Reporters take an optional `rules` mapping (code -> info). The info may be a `RuleMeta`, any object
with `title` / `explanation` / `url` attributes, a mapping with those keys, a `(title, explanation,
url)` tuple (shorter tuples allowed) or a plain title string.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping

from qatfix.rules import all_rules
from qatfix.rules.base import Rule

_FIELDS = ("title", "explanation", "url")


@dataclass(frozen=True)
class RuleMeta:
    """What a report can say about a rule code."""

    title: str = ""
    explanation: str = ""
    url: str = ""

    @property
    def summary(self) -> str:
        """The first paragraph of the explanation (SARIF `fullDescription`)."""
        return self.explanation.strip().split("\n\n", 1)[0].strip()


def rule_meta(info: object) -> RuleMeta:
    """Normalise one rules-mapping value (see module docstring); unknown shapes give empty metadata."""
    if isinstance(info, RuleMeta):
        return info
    if info is None:
        return RuleMeta()
    if isinstance(info, str):
        return RuleMeta(title=info)
    if isinstance(info, Mapping):
        values = [info.get(name) for name in _FIELDS]
    elif any(hasattr(info, name) for name in _FIELDS):
        values = [getattr(info, name, None) for name in _FIELDS]
    elif isinstance(info, (tuple, list)):
        values = list(info[:3]) + [None] * (3 - len(info[:3]))
    else:
        return RuleMeta()
    title, explanation, url = (str(v) if v is not None else "" for v in values)
    return RuleMeta(title=title.strip(), explanation=explanation.strip(), url=url.strip())


def lookup(rules: Mapping[str, object] | None, code: str) -> RuleMeta:
    """Metadata for `code`, empty when the mapping is absent or does not know it."""
    if not rules or code not in rules:
        return RuleMeta()
    return rule_meta(rules[code])


def catalogue_meta() -> dict[str, RuleMeta]:
    """Every code's description from the rule catalogue: the summary as the title; the
    explanation, example, what to write instead, fix safety and evidence as the help text."""
    return {code: RuleMeta(title=rule.summary, explanation=rule_help(rule))
            for code, rule in all_rules().items()}


def rule_help(rule: Rule) -> str:
    """The rule's docs as plain text, paragraph by paragraph (the explanation first)."""
    parts = [rule.explanation]
    for title, text in (("Example", rule.example), ("Instead", rule.instead),
                        ("Fix safety", rule.fix_safety), ("Evidence", rule.evidence)):
        if text:
            parts.append(f"{title}:\n{text.strip()}")
    return "\n\n".join(parts)
