"""Every after-training code (QF9xx) is documented in full and explained by the CLI."""
from __future__ import annotations

import pytest

from qatfix.rules import all_rules
from tests.after.helpers import qatfix
from tests.conftest import REPO

AFTER = sorted(code for code in all_rules() if code.startswith("QF9"))


def test_the_after_training_codes() -> None:
    assert AFTER == ["QF901", "QF902", "QF903", "QF904", "QF905", "QF906", "QF907", "QF908", "QF950", "QF951",
                     "QF952", "QF953", "QF960", "QF961", "QF962", "QF963", "QF964", "QF965",
                     "QF970", "QF971", "QF972", "QF973", "QF980", "QF981", "QF982", "QF983",
                     "QF984", "QF985", "QF986", "QF987", "QF988", "QF989", "QF990"]


@pytest.mark.parametrize("code", AFTER)
def test_every_doc_field_is_filled_and_names_its_source(code: str) -> None:
    rule = all_rules()[code]
    for field in ("summary", "explanation", "example", "instead", "fix_safety", "evidence"):
        assert getattr(rule, field).strip(), (code, field)
    assert any(word in rule.evidence for word in ("ppdet/", "paddleslim/", "deploy/")), code


@pytest.mark.parametrize("code", AFTER)
def test_explain_in_a_fresh_process(code: str) -> None:
    done = qatfix("explain", code, cwd=REPO)
    assert done.returncode == 0, done.stderr
    for section in ("What it checks:", "Why it matters:", "Example:", "Use instead:",
                    "Fix safety:", "Evidence:"):
        assert section in done.stdout, (code, section)
