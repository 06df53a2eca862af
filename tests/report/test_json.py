from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from qatfix import __version__
from qatfix.findings import Finding, Location
from qatfix.report import json as json_report
from tests.report import samples

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "json-output.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_output_validates_against_documented_schema(validator: jsonschema.Draft202012Validator) -> None:
    for findings in ([], samples.all_findings(), [samples.weights_mismatch()]):
        validator.validate(json.loads(json_report.render(findings)))


def test_schema_rejects_what_the_reporter_must_not_emit(validator: jsonschema.Draft202012Validator) -> None:
    doc = json.loads(json_report.render([samples.weights_mismatch()]))
    doc["findings"][0]["severity"] = "fatal"
    assert not validator.is_valid(doc)
    doc = json.loads(json_report.render([samples.weights_mismatch()]))
    del doc["findings"][0]["fix"]["edits"][0]["old_text"]
    assert not validator.is_valid(doc)


def test_top_level_and_summary() -> None:
    doc = json.loads(json_report.render(samples.all_findings()))
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "qatfix", "version": __version__}
    assert doc["summary"] == {"total": 5, "errors": 2, "warnings": 2, "infos": 1,
                              "fixable": 2, "fixable_unsafe": 1, "unchecked": 0}
    assert [f["code"] for f in doc["findings"]] == ["QF410", "QF101", "QF205", "QF300", "QF001"]


def test_finding_fields_round_trip() -> None:
    finding = samples.weights_mismatch()
    (out,) = json.loads(json_report.render([finding]))["findings"]
    assert out["code"] == "QF101" and out["severity"] == "error"
    assert out["location"] == {"path": samples.SLIM, "line": 1, "column": 19}
    assert out["related"] == [{"path": samples.MODEL, "line": 4, "column": 10}]
    assert out["fix"] == {
        "title": "set pretrain_weights to picodet_s_320_coco_lcnet.pdparams",
        "note": "",
        "command": "",
        "safety": "safe",
        "reason": "",
        "value": samples.NEW_URL,
        "edits": [{"path": samples.SLIM, "start_line": 1, "end_line": 1,
                   "old_text": f"pretrain_weights: {samples.OLD_URL}\n",
                   "new_text": f"pretrain_weights: {samples.NEW_URL}\n"}],
    }
    assert [alt["value"] for alt in out["alternatives"]] == [samples.ALT_URL]
    assert out["alternatives"][0]["safety"] == "unsafe"
    assert out["config"] == samples.MODEL
    assert out["data"] == {"expected": "picodet_s_320_coco_lcnet", "loaded": 140, "of": 463}


def test_no_fix_is_null_and_text_is_kept_verbatim() -> None:
    doc = json.loads(json_report.render([samples.unicode_note(), samples.quant_block()]))
    note = next(f for f in doc["findings"] if f["code"] == "QF300")
    assert note["fix"] is None and note["alternatives"] == [] and note["data"] == {}
    assert note["location"]["path"] == "configs/中文 dir/模型.yml"
    block = next(f for f in doc["findings"] if f["code"] == "QF205")
    assert block["message"] == samples.quant_block().message
    assert "100% of layers" in block["message"]
    (edit,) = block["fix"]["edits"]
    assert (edit["start_line"], edit["end_line"]) == (3, 4)
    assert edit["old_text"] == "".join(samples.TEXTS[samples.SLIM].splitlines(keepends=True)[2:4])


def test_unicode_is_written_as_characters() -> None:
    rendered = json_report.render([samples.unicode_note()])
    assert "模型" in rendered and "\\u" not in rendered
    assert rendered.endswith("}\n")


def test_data_values_become_plain_json() -> None:
    finding = Finding("QF1", "info", "m", Location("a.yml", 1, 1),
                      data=(("shape", (3, 4)), ("path", Path("w.pdparams")), ("keys", frozenset({"b", "a"})),
                            ("nested", {"k": (1, None)}), ("shape", [5])))
    (out,) = json.loads(json_report.render([finding]))["findings"]
    assert out["data"] == {"shape": [5], "path": "w.pdparams", "keys": ["a", "b"],
                           "nested": {"k": [1, None]}}


def test_compact_output() -> None:
    rendered = json_report.render([], indent=None)
    assert rendered.count("\n") == 1
    assert json.loads(rendered)["findings"] == []
