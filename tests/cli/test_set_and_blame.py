"""`qatfix set` guards and `qatfix resolve --blame --format json`, in fresh processes on a copy
of the develop tree."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, tree
from tests.edit.reference import pyyaml_load

CONFIG = "configs/picodet/picodet_s_320_coco_lcnet.yml"


def qatfix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "qatfix", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.mark.corpus
def test_a_misspelt_key_warns_with_the_known_one(copy: Path) -> None:
    result = qatfix(copy, "set", CONFIG, "TrainReader.batchsize", "8")
    assert result.returncode == 0
    assert "Did you mean TrainReader.batch_size?" in result.stderr
    assert "  batchsize: 8\n" in (copy / CONFIG).read_text()


@pytest.mark.corpus
def test_strict_refuses_a_misspelt_key(copy: Path) -> None:
    before = (copy / CONFIG).read_bytes()
    result = qatfix(copy, "set", CONFIG, "TrainReader.batchsize", "8", "--strict")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Did you mean TrainReader.batch_size?" in result.stderr
    assert (copy / CONFIG).read_bytes() == before


@pytest.mark.corpus
def test_known_and_new_keys_pass_silently(copy: Path) -> None:
    for key in ("TrainReader.batch_size", "TrainReader.shuffle", "snapshot_epoch"):
        result = qatfix(copy, "set", CONFIG, key, "1", "--strict")
        assert result.returncode == 0 and "did you mean" not in result.stderr.lower(), key


@pytest.mark.corpus
def test_an_index_into_a_base_list_is_refused(copy: Path) -> None:
    before = (copy / CONFIG).read_bytes()
    result = qatfix(copy, "set", CONFIG, "TrainReader.sample_transforms.0.Decode", "1")
    assert result.returncode == 2
    assert "is a list that comes from a base file" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (copy / CONFIG).read_bytes() == before


@pytest.mark.corpus
def test_an_index_past_the_end_is_refused_and_one_that_exists_is_set(copy: Path) -> None:
    base = "configs/picodet/_base_/picodet_320_reader.yml"
    result = qatfix(copy, "set", base, "TrainReader.sample_transforms.9.Decode", "{}")
    assert result.returncode == 2 and "there is no entry 9" in result.stderr
    result = qatfix(copy, "set", base, "TrainReader.batch_transforms.0.BatchRandomResize"
                    ".random_interp", "False")
    assert result.returncode == 0, result.stderr
    data = pyyaml_load((copy / base).read_text())
    assert data["TrainReader"]["batch_transforms"][0]["BatchRandomResize"]["random_interp"] is False


@pytest.mark.corpus
def test_an_exponent_number_is_written_so_ppdet_reads_a_number(copy: Path) -> None:
    result = qatfix(copy, "set", CONFIG, "LearningRate.base_lr", "1e-4")
    assert result.returncode == 0
    assert "writing the number 1.0e-4" in result.stderr
    assert "  base_lr: 1.0e-4\n" in (copy / CONFIG).read_text()
    resolved = qatfix(copy, "resolve", CONFIG, "--format", "json")
    assert json.loads(resolved.stdout)["LearningRate"]["base_lr"] == 1e-4


@pytest.mark.corpus
def test_blame_as_json_follows_its_schema(copy: Path) -> None:
    result = qatfix(copy, "resolve", CONFIG, "--slim_config", "configs/slim/quant/picodet_s_quant.yml",
                    "--blame", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["tool"]["name"] == "qatfix"
    rows = {tuple(row["key"]): row for row in document["values"]}
    weights = rows[("pretrain_weights",)]
    assert weights["value"].endswith("picodet_s_320_coco.pdparams")
    assert weights["defined_at"] == {"path": "configs/slim/quant/picodet_s_quant.yml",
                                     "line": 1, "column": 1}
    assert weights["overrides"][0]["path"] == CONFIG
    assert set(weights) == {"key", "value", "defined_at", "set_by_ppdet", "overrides", "anchor"}
    first = rows[("TrainReader", "sample_transforms", 0, "Decode")] if (
        "TrainReader", "sample_transforms", 0, "Decode") in rows else None
    assert first is None or first["defined_at"]["path"].endswith("picodet_320_reader.yml")
    done = qatfix(copy, "resolve", CONFIG, "--blame")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert not text.startswith("{")
    # one line a value: where it is defined, the dotted key and the value
    assert f"{CONFIG}:9:1 " in text and " pretrain_weights = https://" in text
    assert text.splitlines()[0].startswith("configs/datasets/coco_detection.yml:1:1 ")
