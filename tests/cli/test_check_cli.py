"""The check command end to end: formats, exit codes, folders, --diff and --apply."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.cli.main import main

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


def test_text_report_and_exit_code(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", MODEL, "--slim_config", SLIM]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{SLIM}:1:1: error QF101 ")
    assert "fix (safe): Use picodet_s_320_coco_lcnet" in out
    assert out.rstrip().endswith("1 error, 0 warnings, 1 info; 1 fixable with --apply")


def test_default_command_accepts_the_train_py_spelling(example: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", MODEL, "--slim-config", SLIM]) == 1
    spelled_as_command = capsys.readouterr().out
    assert main([MODEL, "--slim_config", SLIM]) == 1
    assert capsys.readouterr().out == spelled_as_command
    assert spelled_as_command.startswith(f"{SLIM}:1:1: error QF101 ")


def test_json_sarif_github_formats(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["-c", MODEL, "--slim_config", SLIM, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["findings"][0]["code"] == "QF101"
    main(["-c", MODEL, "--slim_config", SLIM, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["ruleId"] == "QF101"
    main(["-c", MODEL, "--slim_config", SLIM, "--format", "github"])
    assert capsys.readouterr().out.startswith(f"::error file={SLIM},line=1,")


def test_info_only_exits_zero_unless_fail_on_info(example: Path) -> None:
    assert main(["-c", MODEL, "--slim_config", SLIM, "--ignore", "QF101"]) == 0
    assert main(["-c", MODEL, "--slim_config", SLIM, "--ignore", "QF101", "--fail-on", "info"]) == 1


def test_diff_writes_nothing(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (example / SLIM).read_bytes()
    assert main(["-c", MODEL, "--slim_config", SLIM, "--diff"]) == 1
    out = capsys.readouterr().out
    assert f"--- a/{SLIM}" in out and "+pretrain_weights: https://paddledet.bj.bcebos.com/models/" \
        "picodet_s_320_coco_lcnet.pdparams" in out
    assert (example / SLIM).read_bytes() == before


def test_apply_changes_line_one_only_and_is_idempotent(example: Path) -> None:
    before = (example / SLIM).read_text().splitlines(keepends=True)
    mode = os.stat(example / SLIM).st_mode
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 0
    after = (example / SLIM).read_text().splitlines(keepends=True)
    assert after[1:] == before[1:] and after[0] != before[0]
    assert "picodet_s_320_coco_lcnet.pdparams" in after[0]
    assert os.stat(example / SLIM).st_mode == mode
    snapshot = {p: p.read_bytes() for p in example.rglob("*.yml")}
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 0
    assert {p: p.read_bytes() for p in example.rglob("*.yml")} == snapshot
    assert main(["-c", MODEL, "--slim_config", SLIM]) == 0


def test_apply_refuses_a_file_it_may_not_write(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (example / SLIM).read_bytes()
    os.chmod(example / SLIM, 0o444)
    try:
        code = main(["-c", MODEL, "--slim_config", SLIM, "--apply"])
    finally:
        os.chmod(example / SLIM, 0o644)
    assert code == 2 and (example / SLIM).read_bytes() == before
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("qatfix: error:") and SLIM in err[-1]
    assert not list((example / SLIM).parent.glob("*.tmp*"))


def test_folder_checks_configs_that_are_not_only_bases(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["configs", "--format", "json", "--fail-on", "info"]) == 1
    data = json.loads(capsys.readouterr().out)
    # the example's .qatfix.toml pairs the slim config with the model: checked as that run
    model = os.path.join("configs", "picodet", "picodet_s_320_coco_lcnet.yml")
    assert [(f["code"], f["config"]) for f in data["findings"]] == [("QF101", model),
                                                                    ("QF501", model)]
    (example / ".qatfix.toml").unlink()
    assert main(["configs", "--format", "json", "--fail-on", "info"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["config"]) for f in data["findings"]] == [
        ("QF001", os.path.join("configs", "slim", "quant", "picodet_s_quant.yml"))]
    from qatfix.run.discover import configs_in

    assert sorted(configs_in("configs")) == [
        os.path.join("configs", "picodet", "picodet_s_320_coco_lcnet.yml"),
        os.path.join("configs", "slim", "quant", "picodet_s_quant.yml")]


def test_bad_input_is_one_line_and_exit_2(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "broken.yml").write_text("a: [1, 2\n")
    assert main(["broken.yml"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("qatfix: error: broken.yml:2:") and len(err.splitlines()) == 1
    assert main(["missing.yml"]) == 2
    assert main(["-c", MODEL, "-o", "novalue"]) == 2


def test_default_path_imports_no_heavy_modules(example: Path) -> None:
    """Nor difflib: the seed's fixes each change one region of one file."""
    heavy = ('paddle', 'requests', 'questionary', 'ppdet', 'difflib')
    code = ("import sys; from qatfix.cli.main import main; main(['-c', %r, '--slim_config', %r]);"
            "bad = [m for m in %r if m in sys.modules];"
            "print(bad)") % (MODEL, SLIM, heavy)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "[]"
