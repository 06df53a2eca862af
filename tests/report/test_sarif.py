from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qatfix import __version__
from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.report import sarif
from qatfix.report.rule_meta import RuleMeta
from tests.report import samples

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
#: RFC 3986 URI-reference characters (the schema's `format` is not checked by jsonschema alone)
URI_REF = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-F]{2})*$")

RULES = {
    "QF101": RuleMeta(
        title="pretrain_weights must be the float model of the same variant",
        explanation="QAT starts from pretrain_weights.\n\nppdet skips every weight whose shape differs "
                    "and prints only INFO lines, so a wrong file trains from scratch.",
        url="https://pypi.org/project/qatfix/#QF101",
    ),
    "QF205": ("quant_config written inline", "Block style keeps the review diff small."),
    "QF300": {"title": "unused key"},
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _log(findings: list[Finding], **opts: Any) -> dict[str, Any]:
    return json.loads(sarif.render(findings, **opts))


def _uris(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["uri"]] if isinstance(node.get("uri"), str) else []
        return found + [u for v in node.values() for u in _uris(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uris(v)]
    return []


def test_validates_against_the_official_schema(validator: jsonschema.protocols.Validator,
                                                tmp_path: Path) -> None:
    for findings in ([], samples.all_findings()):
        for opts in ({}, {"rules": RULES}, {"root": tmp_path}):
            log = _log(findings, **opts)
            validator.validate(log)
            assert all(URI_REF.match(uri) for uri in _uris(log)), _uris(log)


def test_schema_catches_a_broken_log(validator: jsonschema.protocols.Validator) -> None:
    log = _log([samples.weights_mismatch()])
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(log)
    del broken["runs"][0]["results"][0]["fixes"][0]["artifactChanges"][0]["artifactLocation"]
    assert not validator.is_valid(broken)


def test_driver_and_rules_from_metadata() -> None:
    log = _log(samples.all_findings(), rules=RULES)
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("qatfix", __version__)
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["QF001", "QF101", "QF205", "QF300", "QF410"]
    assert rules["QF101"] == {
        "id": "QF101",
        "shortDescription": {"text": "pretrain_weights must be the float model of the same variant"},
        "fullDescription": {"text": "QAT starts from pretrain_weights."},
        "helpUri": "https://pypi.org/project/qatfix/#QF101",
        "help": {"text": RULES["QF101"].explanation},
    }
    assert rules["QF205"]["shortDescription"] == {"text": "quant_config written inline"}
    assert rules["QF205"]["help"] == {"text": "Block style keeps the review diff small."}
    assert rules["QF300"] == {"id": "QF300", "shortDescription": {"text": "unused key"}}
    assert rules["QF001"] == {"id": "QF001"}  # unknown to the mapping: id only
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_result_levels_messages_and_locations() -> None:
    results = {r["ruleId"]: r for r in _log(samples.all_findings())["runs"][0]["results"]}
    assert {code: r["level"] for code, r in results.items()} == {
        "QF410": "warning", "QF101": "error", "QF205": "warning", "QF300": "note", "QF001": "error"}
    assert results["QF205"]["message"]["text"] == samples.quant_block().message
    assert results["QF101"]["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": samples.SLIM, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 19}}}]
    assert results["QF101"]["relatedLocations"] == [{"id": 0, "physicalLocation": {
        "artifactLocation": {"uri": samples.MODEL, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 10}}}]
    assert results["QF300"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "configs/%E4%B8%AD%E6%96%87%20dir/%E6%A8%A1%E5%9E%8B.yml")
    assert "region" not in results["QF001"]["locations"][0]["physicalLocation"]
    assert results["QF101"]["properties"] == {
        "config": samples.MODEL,
        "data": {"expected": "picodet_s_320_coco_lcnet", "loaded": 140, "of": 463}}
    assert "fixes" not in results["QF300"]


def _apply_sarif_fix(texts: dict[str, str], fix: dict[str, Any]) -> dict[str, str]:
    """Apply a SARIF fix the way a viewer does: regions are in the original text."""
    out = dict(texts)
    for change in fix["artifactChanges"]:
        path = change["artifactLocation"]["uri"]
        text = texts[path]
        spans = []
        for rep in change["replacements"]:
            region = rep["deletedRegion"]
            start = samples.offset(text, region["startLine"], region["startColumn"])
            end = samples.offset(text, region["endLine"], region["endColumn"])
            spans.append((start, end, rep.get("insertedContent", {}).get("text", "")))
        for start, end, new in sorted(spans, reverse=True):
            text = text[:start] + new + text[end:]
        out[path] = text
    return out


@pytest.mark.parametrize("make", [samples.weights_mismatch, samples.quant_block,
                                  samples.missing_epoch_line_break])
def test_fixes_change_files_exactly_like_the_edits(make: Any) -> None:
    finding = make()
    (result,) = _log([finding])["runs"][0]["results"]
    assert len(result["fixes"]) == len(finding.fixes)
    for fix, sarif_fix in zip(finding.fixes, result["fixes"]):
        assert sarif_fix["description"] == {"text": fix.title}
        assert sarif_fix["properties"]["safety"] == fix.safety
        after = _apply_sarif_fix(samples.TEXTS, sarif_fix)
        for path in {e.path for e in fix.edits}:
            assert after[path] == samples.apply_edits(
                samples.TEXTS[path], [e for e in fix.edits if e.path == path])


def test_whole_line_regions() -> None:
    (result,) = _log([samples.missing_epoch_line_break()])["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    insertion, last_line = (r["deletedRegion"] for r in change["replacements"])
    assert insertion == {"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 1}
    assert last_line == {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 11}
    (result,) = _log([samples.quant_block()])["runs"][0]["results"]
    (rep,) = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert rep["deletedRegion"] == {"startLine": 3, "startColumn": 1, "endLine": 5, "endColumn": 1}


def test_edits_in_two_files_make_two_artifact_changes() -> None:
    edits = (TextEdit("a.yml", 1, 1, "x: 1\n", "x: 2\n"), TextEdit("b/c.yml", 2, 2, "y: 1\n", ""),
             TextEdit("a.yml", 3, 3, "z: 1\n", "z: 2\n"))
    finding = Finding("QF1", "error", "m", Location("a.yml", 1, 1),
                      fix=Fix("t", "safe", edits))
    (result,) = _log([finding])["runs"][0]["results"]
    changes = result["fixes"][0]["artifactChanges"]
    assert [c["artifactLocation"]["uri"] for c in changes] == ["a.yml", "b/c.yml"]
    assert [len(c["replacements"]) for c in changes] == [2, 1]


def test_paths_relative_to_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "configs").mkdir(parents=True)
    monkeypatch.chdir(root / "configs")
    findings = [
        Finding("QF1", "error", "m", Location("x.yml", 1, 1)),  # relative to the working dir
        Finding("QF2", "error", "m", Location(str(root / "configs" / "y z.yml"), 1, 1)),
        Finding("QF3", "error", "m", Location(str(tmp_path / "elsewhere.yml"), 1, 1)),
    ]
    log = _log(findings, root=root)
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    by_code = dict(zip((r["ruleId"] for r in run["results"]), locations))
    assert by_code["QF1"] == {"uri": "configs/x.yml", "uriBaseId": "%SRCROOT%"}
    assert by_code["QF2"] == {"uri": "configs/y%20z.yml", "uriBaseId": "%SRCROOT%"}
    assert by_code["QF3"] == {"uri": (tmp_path / "elsewhere.yml").as_uri()}


def test_absolute_path_without_root_is_a_file_uri() -> None:
    (result,) = _log([Finding("QF1", "error", "m", Location("/srv/cfg/a.yml", 2, 1))])["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/cfg/a.yml"}
