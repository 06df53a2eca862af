"""Building the signature store: process handling, store layout and the command's errors.

The worker's fork, timeout and crash handling are exercised with a stand-in for ppdet's
workspace (a build that hangs, one that kills itself); real builds are the corpus tests'.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from qatfix.deep.zoo_signatures import (
    TreeBuild, failure_kind, index_text, records_to_store, signature_text, write_store,
)
from qatfix.deep.zoo_worker import build_forked, read_results
from qatfix.registry.signatures import read_index, signature_id

REPO = Path(__file__).resolve().parents[2]


class _Hangs:
    """A build that would finish after a minute, leaving `finished` beside the config's root."""

    def __init__(self, finished: Path) -> None:
        self.finished = finished

    def load_config(self, path: str) -> Any:
        time.sleep(60)
        self.finished.write_text("the build was not killed")


class _Dies:
    def load_config(self, path: str) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)


class _Fails:
    def load_config(self, path: str) -> Any:
        raise KeyError(f"no such thing in {path}")


def test_a_hanging_build_is_killed_after_the_timeout(tmp_path: Path) -> None:
    finished = tmp_path / "finished"
    record = build_forked(_Hangs(finished), tmp_path, "configs/a.yml", timeout=0.5)
    assert record["status"] == "error" and record["error"].startswith("timeout: no model after")
    # the child was killed, not waited for: it never reached the end of its build
    assert not finished.exists()


def test_a_build_that_dies_is_recorded_with_its_signal(tmp_path: Path) -> None:
    record = build_forked(_Dies(), tmp_path, "configs/a.yml", timeout=30)
    assert record["status"] == "error" and record["error"] == "crash: the build died of SIGKILL"


def test_an_exception_is_one_line_without_the_tree_path(tmp_path: Path) -> None:
    record = build_forked(_Fails(), tmp_path, "configs/a.yml", timeout=30)
    assert record["status"] == "error"
    assert record["error"].startswith("load_config: KeyError: ")
    assert str(tmp_path) not in record["error"] and "\n" not in record["error"]


def test_results_file_tolerates_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"config": "configs/a.yml", "status": "ok"}) + "\n{\"config\": \"con")
    assert list(read_results(path)) == ["configs/a.yml"]


def _ok(config: str, keys: list[Any], parameters: int) -> dict[str, Any]:
    return {"config": config, "status": "ok", "keys": keys, "parameters": parameters,
            "quantizable": [k for k, shape, _ in keys if len(shape) == 4]}


def test_store_layout_shares_identical_networks(tmp_path: Path) -> None:
    keys = [["conv.weight", [8, 3, 3, 3], "p"], ["bn._mean", [8], "b"]]
    tree = TreeBuild("t", tmp_path, False, "paddledet 9.9 (installed package)")
    records = {"t": [_ok("configs/b.yml", keys, 216), _ok("configs/a.yml", keys, 216),
                     {"config": "configs/c.yml", "status": "no-architecture"},
                     {"config": "configs/d.yml", "status": "error", "error": "crash: x"}]}
    index, files = records_to_store([tree], records, "3.3.1")
    assert len(files) == 1
    (ident,) = files
    assert list(index["configs"]) == ["t:configs/a.yml", "t:configs/b.yml", "t:configs/d.yml"]
    assert index["configs"]["t:configs/a.yml"] == {"elements": 224, "parameters": 216,
                                                   "signature": ident, "tensors": 2}
    out = tmp_path / "store"
    out.mkdir()
    (out / "0000000000000000.json").write_text("{}")  # stale: no config refers to it
    write_store(out, index, files)
    assert sorted(p.name for p in out.iterdir()) == [f"{ident}.json", "index.json"]
    assert signature_id(json.loads((out / f"{ident}.json").read_text())) == ident
    assert (out / "index.json").read_text() == index_text(index)
    assert read_index(out).entry("t", "configs/d.yml") == {"error": "crash: x"}
    assert (out / f"{ident}.json").read_text() == signature_text(files[ident])
    assert oct((out / "index.json").stat().st_mode & 0o777) == "0o644"


def test_failure_kinds_read_as_causes() -> None:
    assert failure_kind("timeout: no model after 300 s") == "timeout"
    assert "downloads pretrained weights" in failure_kind(
        "create(DETR): RuntimeError: Download from https://x/y.pdparams failed. Retry limit reached")
    assert failure_kind("create(X): KeyError: 'y'") == "create: KeyError"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    return subprocess.run([sys.executable, "-m", "qatfix", "registry", "signatures", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_command_rejects_a_folder_that_is_no_tree(tmp_path: Path) -> None:
    done = _cli("--paddledetection", str(tmp_path), "--output", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no configs/ folder" in done.stderr
    assert not (tmp_path / "out").exists()


def test_command_rejects_a_bad_timeout(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    done = _cli("--paddledetection", str(tmp_path), "--timeout", "0", "--output", str(tmp_path / "o"))
    assert done.returncode == 2 and "--timeout must be positive" in done.stderr
