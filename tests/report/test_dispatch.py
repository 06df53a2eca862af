from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qatfix.errors import UsageError
from qatfix.report import DEFAULT_FORMAT, FORMATS, github, render, text
from qatfix.report.rule_meta import RuleMeta, lookup, rule_meta
from tests.report import samples


def test_every_format_renders_through_the_registry() -> None:
    findings = samples.all_findings()
    assert set(FORMATS) == {"text", "json", "sarif", "github", "rdjson"}
    assert DEFAULT_FORMAT == "text"
    assert render("text", findings, color=False) == text.render(findings)
    assert render("github", findings) == github.render(findings)
    shown = sorted(f.code for f in findings)
    assert sorted(f["code"] for f in json.loads(render("json", findings))["findings"]) == shown
    sarif = json.loads(render("sarif", findings))
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == shown
    rdjson = json.loads(render("rdjson", findings))
    assert sorted(d["code"]["value"] for d in rdjson["diagnostics"]) == shown


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown output format 'xml'.*text, json, sarif, github, rdjson"):
        render("xml", [])


def test_only_the_requested_reporter_is_imported() -> None:
    code = (
        "import sys, qatfix.report as r; r.render('text', []); "
        "print(sorted(m for m in sys.modules if m.startswith('qatfix.report.')));"
        "print([m for m in ('paddle', 'requests', 'questionary', 'jsonschema') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded, heavy = out.splitlines()
    assert "qatfix.report.text" in loaded
    assert "sarif" not in loaded and "rdjson" not in loaded
    assert heavy == "[]"


def test_rule_metadata_shapes() -> None:
    class Info:
        title = "short"
        explanation = "long\n\nmore"

    assert rule_meta(Info()) == RuleMeta("short", "long\n\nmore", "")
    assert rule_meta(Info()).summary == "long"
    assert rule_meta(("t", "e", "u")) == RuleMeta("t", "e", "u")
    assert rule_meta(("t",)) == RuleMeta("t", "", "")
    assert rule_meta({"title": "t", "url": "u"}) == RuleMeta("t", "", "u")
    assert rule_meta("just a title") == RuleMeta("just a title")
    assert rule_meta(42) == RuleMeta()
    assert lookup(None, "QF1") == RuleMeta()
    assert lookup({"QF1": "x"}, "QF2") == RuleMeta()
