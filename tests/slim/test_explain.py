"""Every slim-recipe rule documents itself fully, and `qatfix explain` shows all of it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from qatfix.rules import all_rules
from tests.slim.test_documented_pairs import NEW_CODES

FIELDS = ("summary", "explanation", "example", "instead", "fix_safety", "evidence")


@pytest.mark.parametrize("code", NEW_CODES)
def test_explain_shows_every_field_with_its_evidence(code: str) -> None:
    rule = all_rules()[code]
    assert all(getattr(rule, field).strip() for field in FIELDS), code
    assert "ppdet/" in rule.evidence or "configs/" in rule.evidence
    done = subprocess.run([sys.executable, "-m", "qatfix", "explain", code.lower()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    out = done.stdout
    assert out.startswith(f"{code} ({'/'.join(rule.severity_names())})\n")
    for title in ("What it checks:", "Why it matters:", "Example:", "Use instead:",
                  "Fix safety:", "Evidence:"):
        assert f"\n{title}\n" in out, (code, title)
    assert " ".join(rule.example.split()) in " ".join(out.split())
