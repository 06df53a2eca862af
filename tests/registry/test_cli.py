from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatfix.cli.main import main
from qatfix.registry.builder.assemble import BuildResult
from tests.registry.conftest import FIXTURES


@pytest.fixture
def registry_file(tmp_path: Path, fixture_build: BuildResult) -> Path:
    path = tmp_path / "weights.json"
    path.write_text(fixture_build.text, encoding="utf-8")
    return path


def test_show_text_and_json(registry_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "show", "ppdet://models/picodet_s_320_coco", "--registry", str(registry_file)]) == 0
    out = capsys.readouterr().out
    assert "name:          picodet_s_320_coco\n" in out and "superseded by: picodet_s_320_coco_lcnet" in out
    assert main(["registry", "show", "picodet_s_320_coco_lcnet.pdparams", "--format", "json",
                 "--registry", str(registry_file)]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["config"] == "configs/picodet/picodet_s_320_coco_lcnet.yml"


def test_show_unknown(registry_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "show", "nothing_here", "--registry", str(registry_file)]) == 1
    assert "no official weights match" in capsys.readouterr().err


def test_search(registry_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "search", "picodet", "s", "320", "--registry", str(registry_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("picodet_s_320_coco_lcnet  (detector, LCNet(scale 0.75), 320x320, coco)")
    assert any("[legacy -> picodet_s_320_coco_lcnet]" in line for line in lines)


def test_candidates(registry_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = FIXTURES / "new" / "configs"
    code = main(["registry", "candidates", "-c", str(root / "picodet/picodet_s_320_coco_lcnet.yml"),
                 "--slim_config", str(root / "slim/quant/picodet_s_quant.yml"), "--format", "json",
                 "--registry", str(registry_file), "--limit", "3"])
    assert code == 0
    found = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in found] == ["picodet_s_320_coco_lcnet", "picodet_s_416_coco_lcnet", "picodet_s_320_coco"]
    assert found[2]["differences"][0] == "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in model"


def test_bad_registry_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "weights.json"
    broken.write_text('{"schema_version": 1, "weights": [', encoding="utf-8")
    assert main(["registry", "search", "x", "--registry", str(broken)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["registry", "search", "x", "--registry", str(tmp_path / "missing.json")]) == 2


def test_build_writes_registry_report_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out" / "weights.json"
    args = ["registry", "build", "--paddledetection", str(FIXTURES / "new"),
            "--paddledetection", str(FIXTURES / "old"), "--output", str(output)]
    assert main(args) == 0
    report = (tmp_path / "out" / "build_report.txt").read_text(encoding="utf-8")
    assert "mystery_det" in capsys.readouterr().out and "mystery_det" in report
    assert json.loads(output.read_text(encoding="utf-8"))["weights"]
    assert main([*args, "--check"]) == 0
    output.write_text(output.read_text(encoding="utf-8").replace("picodet", "PICODET", 1), encoding="utf-8")
    assert main([*args, "--check"]) == 1


def test_build_rejects_a_folder_without_configs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "weights.json"
    assert main(["registry", "build", "--paddledetection", str(tmp_path), "--output", str(output)]) == 2
    assert "no configs/ folder" in capsys.readouterr().err
    assert not output.exists()


def test_missing_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry"]) == 2


def test_build_accepts_the_configs_folder_and_rejects_duplicate_labels(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "weights.json"
    assert main(["registry", "build", "--paddledetection", str(FIXTURES / "new" / "configs"),
                 "--output", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8"))["sources"][0]["tree"] == "new"
    assert main(["registry", "build", "--paddledetection", str(FIXTURES / "new"), "--paddledetection",
                 str(FIXTURES / "new"), "--output", str(tmp_path / "other.json")]) == 2
    assert "distinct folder names" in capsys.readouterr().err
