"""The rule table: every code once, every module loaded or an error, never a rule left out."""
from __future__ import annotations

import pytest

import qatfix.rules as rules


def test_a_missing_rule_module_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "_CATALOGUE", None)
    monkeypatch.setattr(rules, "RULE_MODULES", (*rules.RULE_MODULES, "qatfix.rules.no_such_rule"))
    with pytest.raises(ModuleNotFoundError):
        rules.all_rules()


def test_a_code_defined_twice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "_CATALOGUE", None)
    monkeypatch.setattr(rules, "RULE_MODULES", (*rules.RULE_MODULES, rules.RULE_MODULES[0]))
    with pytest.raises(RuntimeError, match="defined twice"):
        rules.all_rules()


def test_every_code_the_tool_reports_is_in_the_table() -> None:
    codes = set(rules.all_rules())
    assert {"QF000", "QF002", "QF003", "QF501", "QF601", "QF602"} <= codes
    assert {r.needs for r in rules.all_rules().values()} == {"static", "online", "deep", "run"}
    assert all(r.needs in ("static", "online") for r in rules.engine_rules())
