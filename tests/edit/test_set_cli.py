"""`qatfix set FILE KEY VALUE [--diff]`."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.cli.main import main
from tests.edit.reference import pyyaml_load

CONFIG = """\
_BASE_: [
  '../datasets/coco_detection.yml',
  '../runtime.yml',
]
eval_height: &eval_height 320
TrainReader:
  batch_size: 16   # per card
EvalReader:
  sample_transforms:
  - Resize: {target_size: [*eval_height, 320], keep_ratio: False}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "model.yml"
    path.write_text(CONFIG)
    return path


def test_sets_one_key_and_leaves_the_rest(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), "TrainReader.batch_size", "8"]) == 0
    assert config.read_text() == CONFIG.replace("batch_size: 16", "batch_size: 8")
    assert f"{config}:7: set TrainReader.batch_size" in capsys.readouterr().out


def test_values_are_typed_like_ppdet_options(config: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), "LearningRate.base_lr", "1e-4"]) == 0
    assert main(["set", str(config), "LearningRate.warmup", "1.0e-4"]) == 0
    assert main(["set", str(config), "TrainReader.shuffle", "yes"]) == 0
    data = pyyaml_load(config.read_text())
    assert data["LearningRate"] == {"base_lr": 1e-4, "warmup": 1e-4}  # 1e-4 written as 1.0e-4
    assert "  base_lr: 1.0e-4\n" in config.read_text()
    assert data["TrainReader"]["shuffle"] is True
    assert "reads as a string in YAML 1.1" in capsys.readouterr().err


def test_list_entries_and_flow_values(config: Path) -> None:
    assert main(["set", str(config), "_BASE_.1", "../runtime_v2.yml"]) == 0
    assert main(["set", str(config), "_BASE_.2", "_base_/reader.yml"]) == 0
    assert main(["set", str(config), "EvalReader.sample_transforms.0.Resize.target_size.1",
                 "416"]) == 0
    text = config.read_text()
    assert "  '../runtime_v2.yml',\n  '_base_/reader.yml',\n]\n" in text
    assert "{target_size: [*eval_height, 416], keep_ratio: False}" in text


def test_anchor_edit_says_which_aliases_follow(config: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), "eval_height", "416"]) == 0
    assert "also changes *eval_height at line 10" in capsys.readouterr().err


def test_diff_prints_and_does_not_write(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(config), "TrainReader.batch_size", "8", "--diff"]) == 0
    out = capsys.readouterr().out
    assert "-  batch_size: 16   # per card\n+  batch_size: 8   # per card\n" in out
    assert config.read_text() == CONFIG


def test_same_value_writes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = config.stat().st_mtime_ns
    assert main(["set", str(config), "TrainReader.batch_size", "16"]) == 0
    assert "already has that value" in capsys.readouterr().out
    assert config.stat().st_mtime_ns == before


@pytest.mark.parametrize("argv, message", [
    (["TrainReader.batch_size.x", "1"], "is a scalar"),
    (["EvalReader.sample_transforms.0.Resize.target_size.0", "1"], "is an alias"),
    (["a..b", "1"], "empty component"),
    (["a", "[1,"], "not valid YAML"),
])
def test_errors_exit_2_with_one_line(config: Path, capsys: pytest.CaptureFixture[str],
                                     argv: list[str], message: str) -> None:
    assert main(["set", str(config), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert config.read_text() == CONFIG


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["set", str(tmp_path / "nope.yml"), "a", "1"]) == 2
    assert "no such file" in capsys.readouterr().err
