"""`qatfix explain CODE`: what a rule checks, why, an example, what to write instead, its fix's
safety and the evidence, all read from the rule's own fields (`qatfix.rules.all_rules`)."""
from __future__ import annotations

import argparse
import sys
import textwrap

from qatfix.errors import UsageError
from qatfix.rules import all_rules
from qatfix.rules.base import Rule


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="rule code, e.g. QF101 (omit to list all)")


def catalogue() -> dict[str, Rule]:
    """Every code, static, `--deep` and the run's own (QF000-QF003) alike, sorted."""
    return dict(sorted(all_rules().items()))


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=88, initial_indent="  ", subsequent_indent="  "))


def _verbatim(text: str) -> str:
    return "\n".join("    " + line if line.strip() else "" for line in text.strip("\n").splitlines())


def severity_text(rule: Rule) -> str:
    """`error` alone, or each severity the report prints with the situation it is used in."""
    if not rule.situations:
        return f"{rule.severity}, in every situation"
    return f"{rule.severity} by default; " + "; ".join(
        f"{severity} {when}" for severity, when in rule.situations)


def describe(rule: Rule) -> str:
    """The text `qatfix explain CODE` prints."""
    sections = [("What it checks", _wrap(rule.summary)),
                ("Severity", _wrap(severity_text(rule))),
                ("Why it matters", _wrap(rule.explanation))]
    if rule.example:
        sections.append(("Example", _verbatim(rule.example)))
    if rule.instead:
        sections.append(("Use instead", _verbatim(rule.instead)))
    sections.append(("Fix safety", _wrap(rule.fix_safety)))
    if rule.evidence:
        sections.append(("Evidence", _wrap(rule.evidence)))
    body = "\n\n".join(f"{title}:\n{text}" for title, text in sections)
    return f"{rule.code} ({'/'.join(rule.severity_names())})\n\n{body}\n"


def run(args: argparse.Namespace) -> int:
    entries = catalogue()
    if not args.code:
        for code, rule in entries.items():
            severities = "/".join(rule.severity_names())
            print(f"{code}  {severities:<13}  {rule.summary}")
        return 0
    code = args.code.strip().upper()
    if code not in entries:
        raise UsageError(f"unknown rule code {args.code!r}; `qatfix explain` lists them")
    sys.stdout.write(describe(entries[code]))
    return 0
