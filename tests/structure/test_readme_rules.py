"""The README's rule table names exactly the codes of the catalogue (`qatfix.rules.all_rules`):
a rule added, removed or renumbered without its row fails here."""
from __future__ import annotations

import re

from qatfix.rules import all_rules
from tests.conftest import REPO

CODE = re.compile(r"QF\d{3}")


def _table_codes() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Rules\n", 1)[1].split("\n### ", 1)[0]
    catalogue = sorted(all_rules())
    codes: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| QF"):
            continue
        cell = line.split("|")[1]
        for part in cell.split(","):
            ends = CODE.findall(part)
            if len(ends) == 2 and "-" in part:  # a range: QF950-QF953
                codes.update(c for c in catalogue if ends[0] <= c <= ends[1])
            else:
                codes.update(ends)
    return codes


def test_the_table_lists_every_rule_once() -> None:
    listed = _table_codes()
    assert listed, "no rule table found under '### Rules'"
    assert sorted(set(all_rules()) - listed) == [], "rules missing from the README's table"
    assert sorted(listed - set(all_rules())) == [], "README rows for codes that do not exist"
