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
    rule = _rule(code)
    example = rule.example if rule is not None and rule.example else example
    sections = [("What it checks", summary), ("Why it matters", why)]
    if example:
        sections.append(("Example", example))
    if rule is not None and rule.instead:
        sections.append(("Use instead", rule.instead))
    sections.append(("Fix safety", safety))
    if rule is not None and rule.evidence:
        sections.append(("Evidence", rule.evidence))
    body = "\n\n".join(f"{title}:\n{_block(text)}" for title, text in sections)
    sys.stdout.write(f"{code} ({severity})\n\n{body}\n")
    return 0


def _rule(code: str):  # type: ignore[no-untyped-def]
    from qatfix.rules import all_rules

    return all_rules().get(code)


def _block(text: str) -> str:
    """Prose wrapped; YAML or a command (several lines) kept line by line, indented."""
    if "\n" in text:
        return "\n".join("  " + line for line in text.splitlines())
    return _wrap(text)


def split_example(explanation: str) -> tuple[str, str]:
    """The explanation before its "Example:" sentence, and the example itself."""
    before, marker, after = explanation.partition("Example:")
    if not marker:
        return explanation, ""
    example, _, rest = after.strip().partition("\n")
    return (before.strip() + (" " + rest.strip() if rest.strip() else "")).strip(), example.strip()
