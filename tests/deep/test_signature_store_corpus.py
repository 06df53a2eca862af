"""The signature store, re-derived with the real ppdet on both shared trees.

- A fixed-seed sample of configs rebuilt through `qatfix registry signatures` must give exactly
  the committed index entries and signature files.
- A forked build (the worker imports ppdet once and forks a child per config) must equal a build
  in a fresh interpreter, config by config, including a second PicoDet after a first one (which
  in one process would have 513 instead of 463 tensors).

With CI=true a missing paddle/ppdet is a failure, not a skip.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, require_paddle, tree

pytestmark = [pytest.mark.paddle, pytest.mark.corpus]

STORE = REPO / "registry" / "signatures"
TREES = ("develop", "release-2.6")
#: the corpus sample stays cheap: models up to this many state-dict values
MAX_ELEMENTS = 40_000_000


def _need_paddle() -> None:
    require_paddle()


def _index() -> dict:
    return json.loads((STORE / "index.json").read_text())


def _sample(name: str, count: int, seed: int) -> list[str]:
    configs = sorted(key.partition(":")[2] for key, entry in _index()["configs"].items()
                     if key.startswith(name + ":") and "signature" in entry
                     and entry["elements"] <= MAX_ELEMENTS)
    assert len(configs) >= count, f"the committed store has fewer than {count} small configs of {name}"
    return random.Random(seed).sample(configs, count)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}


@pytest.mark.parametrize("name", TREES)
def test_cli_rebuild_of_a_sample_equals_the_committed_store(name: str, tmp_path: Path) -> None:
    _need_paddle()
    root = tree(name)
    sample = _sample(name, 4, seed=13)
    command = [sys.executable, "-m", "qatfix", "registry", "signatures",
               "--paddledetection", str(root), "--output", str(tmp_path / "out")]
    for config in sample:
        command += ["--only", config]
    done = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{name}: ok 4" in done.stdout
    assert done.stderr == "", "progress lines are for terminals only"
    rebuilt = json.loads((tmp_path / "out" / "index.json").read_text())
    committed = _index()
    assert rebuilt["trees"][name] == committed["trees"][name]
    for config in sample:
        key = f"{name}:{config}"
        assert rebuilt["configs"][key] == committed["configs"][key], key
        ident = committed["configs"][key]["signature"]
        assert (tmp_path / "out" / f"{ident}.json").read_text() == \
            (STORE / f"{ident}.json").read_text(), key


def _fresh(root: Path, checkout: bool, config: str) -> dict:
    command = [sys.executable, "-m", "qatfix.deep.zoo_worker", "--root", str(root),
               "--fresh", config] + (["--checkout"] if checkout else [])
    done = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", TREES)
def test_forked_builds_equal_fresh_process_builds(name: str, tmp_path: Path) -> None:
    _need_paddle()
    from qatfix.deep.zoo_signatures import plan_tree
    from qatfix.deep.zoo_worker import read_results

    root = tree(name)
    plan = plan_tree(root)
    # two PicoDets in a row: the second is where one process would go wrong
    picodets = ["configs/picodet/picodet_s_320_coco_lcnet.yml",
                "configs/picodet/picodet_s_416_coco_lcnet.yml"]
    # 2 more in the regular run (each fresh build imports paddle anew); 8 with QATFIX_CORPUS=all
    more = 8 if os.environ.get("QATFIX_CORPUS") == "all" else 2
    sample = picodets + [c for c in _sample(name, 10, seed=2026) if c not in picodets][:more]
    results = tmp_path / "results.jsonl"
    command = [sys.executable, "-m", "qatfix.deep.zoo_worker", "--root", str(root),
               "--results", str(results), *sample] + (["--checkout"] if plan.checkout else [])
    done = subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=1200)
    assert done.returncode == 0, done.stderr
    forked = read_results(results)
    assert sorted(forked) == sorted(sample)
    for config in sample:
        record = dict(forked[config])
        record.pop("seconds", None)
        assert record["status"] == "ok", record
        assert record == _fresh(root, plan.checkout, config), config
    assert len(forked[picodets[1]]["keys"]) == 463
