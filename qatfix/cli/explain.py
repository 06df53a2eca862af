"""`qatfix explain CODE`: what a rule checks, why it matters, an example, and its fix's safety."""
from __future__ import annotations

import argparse
import sys
import textwrap

from qatfix.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="rule code, e.g. QF101 (omit to list all)")


def catalogue() -> dict[str, tuple[str, str, str, str]]:
    """code -> (severity, summary, explanation, fix safety), static and `--deep` rules alike."""
    from qatfix.deep.explain import EXPLANATIONS, SEVERITIES, SUMMARIES
    from qatfix.rules import all_rules
    from qatfix.unchecked import ENTRIES

    entries = {code: (r.severity, r.summary, r.explanation, r.fix_safety)
               for code, r in all_rules().items()}
    entries.update(ENTRIES)
    for code, text in EXPLANATIONS.items():
        entries[code] = (SEVERITIES.get(code, "error"), SUMMARIES.get(code, ""), text,
                         "no automatic fix from --deep itself; QF101/QF201 propose the weights.")
    return dict(sorted(entries.items()))


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=88, initial_indent="  ", subsequent_indent="  "))


def run(args: argparse.Namespace) -> int:
    entries = catalogue()
    if not args.code:
        for code, (severity, summary, _, _) in entries.items():
            print(f"{code}  {severity:<7}  {summary}")
        return 0
    code = args.code.strip().upper()
    if code not in entries:
        raise UsageError(f"unknown rule code {args.code!r}; `qatfix explain` lists them")
    severity, summary, explanation, safety = entries[code]
    why, example = split_example(explanation)
    sections = [("What it checks", summary), ("Why it matters", why)]
    from qatfix.rules import all_rules

    rule = all_rules().get(code)
    example = example or (rule.example if rule else "")
    if example:
        sections.append(("Example", example))
    if rule is not None and rule.instead:
        sections.append(("Instead", rule.instead))
    sections.append(("Fix safety", safety))
    if rule is not None and rule.evidence:
        sections.append(("Evidence", rule.evidence))
    body = "\n\n".join(f"{title}:\n{_wrap(text)}" for title, text in sections)
    sys.stdout.write(f"{code} ({severity})\n\n{body}\n")
    return 0


def split_example(explanation: str) -> tuple[str, str]:
    """The explanation before its "Example:" sentence, and the example itself."""
    before, marker, after = explanation.partition("Example:")
    if not marker:
        return explanation, ""
    example, _, rest = after.strip().partition("\n")
    return (before.strip() + (" " + rest.strip() if rest.strip() else "")).strip(), example.strip()
