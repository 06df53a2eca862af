from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.report import rdjson
from qatfix.report.rule_meta import RuleMeta
from tests.report import samples

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "rdjson-DiagnosticResult.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def _doc(findings: list[Finding], **opts: Any) -> dict[str, Any]:
    return json.loads(rdjson.render(findings, **opts))


def _by_code(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["code"]["value"]: d for d in doc["diagnostics"]}


def test_validates_against_reviewdog_schema(validator: jsonschema.Draft4Validator) -> None:
    for findings in ([], samples.all_findings()):
        validator.validate(_doc(findings))
    broken = _doc([samples.weights_mismatch()])
    broken["diagnostics"][0]["severity"] = "FATAL"
    assert not validator.is_valid(broken)
    broken = _doc([samples.weights_mismatch()])
    broken["diagnostics"][0]["location"]["range"]["start"]["line"] = "1"
    assert not validator.is_valid(broken)


def test_source_severity_code_and_location() -> None:
    doc = _doc(samples.all_findings(), rules={"QF101": RuleMeta(url="https://example.org/QF101")})
    assert doc["source"]["name"] == "qatfix"
    diags = _by_code(doc)
    assert {c: d["severity"] for c, d in diags.items()} == {
        "QF410": "WARNING", "QF101": "ERROR", "QF205": "WARNING", "QF300": "INFO", "QF001": "ERROR"}
    assert diags["QF101"]["code"] == {"value": "QF101", "url": "https://example.org/QF101"}
    assert diags["QF205"]["code"] == {"value": "QF205"}
    assert diags["QF101"]["location"] == {"path": samples.SLIM, "range": {"start": {"line": 1, "column": 19}}}
    assert diags["QF101"]["related_locations"] == [
        {"location": {"path": samples.MODEL, "range": {"start": {"line": 4, "column": 10}}}}]
    assert diags["QF001"]["location"] == {"path": "empty.yml"}
    assert diags["QF205"]["message"] == samples.quant_block().message


def test_columns_become_utf8_bytes_when_the_text_is_known() -> None:
    note = samples.unicode_note()  # column 10 on "name: 模型 # 中文": after "name: 模型 "
    plain = _by_code(_doc([note]))["QF300"]["location"]["range"]["start"]
    assert plain == {"line": 2, "column": 10}
    exact = _by_code(_doc([note], sources=samples.TEXTS))["QF300"]["location"]["range"]["start"]
    assert exact == {"line": 2, "column": len("name: 模型 ".encode()) + 1} == {"line": 2, "column": 14}
    assert _by_code(_doc([note], sources=samples.TEXTS))["QF300"]["location"]["path"] == samples.UNICODE


def _apply_suggestions(text: str, suggestions: list[dict[str, Any]]) -> str:
    """Apply rdjson suggestions as reviewdog defines them (line-wise ranges include the end line,
    without its line break; column ranges are exclusive at the end)."""
    lines = text.splitlines(keepends=True)
    spans = []
    for s in suggestions:
        start, end = s["range"]["start"], s["range"].get("end", s["range"]["start"])
        if "column" not in start and "column" not in end:
            a = samples.offset(text, start["line"], 1)
            last = lines[end["line"] - 1]
            b = samples.offset(text, end["line"], 1) + len(last.rstrip("\r\n"))
        else:
            a = samples.offset(text, start["line"], start["column"])
            b = samples.offset(text, end["line"], end["column"])
        spans.append((a, b, s["text"]))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


@pytest.mark.parametrize("make", [samples.weights_mismatch, samples.quant_block,
                                  samples.missing_epoch_line_break])
def test_suggestions_change_the_file_like_the_fix(make: Any) -> None:
    finding = make()
    suggestions = _by_code(_doc([finding]))[finding.code]["suggestions"]
    path = finding.location.path
    assert _apply_suggestions(samples.TEXTS[path], suggestions) == samples.apply_edits(
        samples.TEXTS[path], list(finding.fix.edits))


def test_suggestion_forms() -> None:
    (one,) = _by_code(_doc([samples.weights_mismatch()]))["QF101"]["suggestions"]
    assert one == {"range": {"start": {"line": 1}, "end": {"line": 1}},
                   "text": f"pretrain_weights: {samples.NEW_URL}"}
    (block,) = _by_code(_doc([samples.quant_block()]))["QF205"]["suggestions"]
    assert block["range"] == {"start": {"line": 3}, "end": {"line": 4}}
    assert block["text"] == "QAT:\n  quant_config:\n    activation_quantize_type: moving_average_abs_max"
    insertion, last = _by_code(_doc([samples.missing_epoch_line_break()]))["QF410"]["suggestions"]
    assert insertion == {"range": {"start": {"line": 4, "column": 1}, "end": {"line": 4, "column": 1}},
                         "text": "# weights written by train.py\n"}
    assert last == {"range": {"start": {"line": 5}, "end": {"line": 5}},
                    "text": "epoch: 120\nsnapshot_epoch: 10"}


def test_deleting_and_joining_lines() -> None:
    text = "a: 1\nb: 2\nc: 3\n"
    delete = Finding("QF1", "warning", "m", Location("f.yml", 2, 1),
                     fix=Fix("drop b", "safe", (TextEdit("f.yml", 2, 2, "b: 2\n", ""),)))
    (s,) = _by_code(_doc([delete]))["QF1"]["suggestions"]
    assert s == {"range": {"start": {"line": 2}, "end": {"line": 2}}, "text": ""}
    # reviewdog's line-wise deletion leaves the line break: an empty line, as on GitHub
    assert _apply_suggestions(text, [s]) == "a: 1\n\nc: 3\n"
    join = Finding("QF2", "warning", "m", Location("f.yml", 2, 1),
                   fix=Fix("join", "safe", (TextEdit("f.yml", 2, 2, "b: 2\n", "b: 2 "),)))
    (s,) = _by_code(_doc([join]))["QF2"]["suggestions"]
    assert s["range"] == {"start": {"line": 2, "column": 1}, "end": {"line": 3, "column": 1}}
    assert _apply_suggestions(text, [s]) == "a: 1\nb: 2 c: 3\n"


def test_no_suggestions_when_the_fix_touches_another_file() -> None:
    finding = Finding("QF1", "error", "m", Location("a.yml", 1, 1), fix=Fix("t", "safe", (
        TextEdit("a.yml", 1, 1, "x: 1\n", "x: 2\n"), TextEdit("b.yml", 1, 1, "y: 1\n", "y: 2\n"))))
    assert "suggestions" not in _by_code(_doc([finding]))["QF1"]
    assert "suggestions" not in _by_code(_doc([samples.unicode_note()]))["QF300"]


def test_paths_relative_to_root_with_forward_slashes(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    findings = [Finding("QF1", "error", "m", Location("sub/x.yml", 1, 1)),
                Finding("QF2", "error", "m", Location(str(tmp_path / "sub" / "y.yml"), 1, 1))]
    diags = _by_code(_doc(findings, root=tmp_path))
    assert diags["QF1"]["location"]["path"] == "sub/x.yml"
    assert diags["QF2"]["location"]["path"] == "sub/y.yml"
    diags = _by_code(_doc(findings, root=tmp_path / "sub"))
    assert diags["QF1"]["location"]["path"] == "x.yml"
