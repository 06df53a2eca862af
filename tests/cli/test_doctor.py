"""`qatfix doctor`: installed versions read from package metadata (never by importing paddle),
a checkout's own ppdet, and the table of known-bad combinations, in fresh processes."""
from __future__ import annotations

import json
import importlib.util
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from qatfix.model.environment import Environment, ModelWriter, Package
from qatfix.rules.deploy.versions import COMBINATIONS, judge
from tests.after.helpers import qatfix
from tests.conftest import REPO, tree


def _installed(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def test_doctor_reads_the_installed_versions(tmp_path: Path) -> None:
    done = qatfix("doctor", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    found = {p["name"]: p["version"] for p in report["packages"]}
    assert found["paddle"] == (_installed("paddlepaddle") or _installed("paddlepaddle-gpu"))
    assert found["paddleslim"] == _installed("paddleslim")
    assert found["paddledet"] == _installed("paddledet")
    assert found["paddle2onnx"] == _installed("paddle2onnx")
    assert len(report["combinations"]) == len(COMBINATIONS)
    problems = [c for c in report["combinations"] if c["problem"]]
    assert done.returncode == (1 if problems else 0)
    assert all(c["source"] for c in report["combinations"])


def test_doctor_does_not_import_paddle(tmp_path: Path) -> None:
    script = ("import sys\nfrom qatfix.cli.main import main\ncode = main(['doctor'])\n"
              "assert 'paddle' not in sys.modules, 'paddle was imported'\nsys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode in (0, 1), done.stderr
    assert "paddle:" in done.stdout


def test_without_packages_every_row_is_named_not_checked(tmp_path: Path) -> None:
    """`python -S` with only qatfix's own dependency (ruamel.yaml) on the path: paddle,
    PaddleSlim, ppdet and Paddle2ONNX are not installed."""
    site = tmp_path / "site"
    site.mkdir()
    ruamel = Path(importlib.util.find_spec("ruamel.yaml").origin).parent.parent  # type: ignore
    (site / "ruamel").symlink_to(ruamel, target_is_directory=True)
    done = subprocess.run([sys.executable, "-S", "-m", "qatfix", "doctor"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{site}"})
    assert done.returncode == 0, done.stderr
    assert "paddle: not installed" in done.stdout
    assert done.stdout.count("not checked:") == len(COMBINATIONS)
    assert f"0 known-bad combination(s); {len(COMBINATIONS)} not checked" in done.stdout


@pytest.mark.parametrize("name,shown", [("develop", "develop (PPDET_VERSION 0.0.0)"),
                                        ("release-2.6", "2.6.0")])
def test_a_checkout_ppdet_is_read_from_its_setup_py(name: str, shown: str) -> None:
    root = tree(name)
    done = qatfix("doctor", cwd=root / "deploy" / "python")
    assert f"the checkout's ppdet {shown} ({root / 'setup.py'})" in done.stdout, done.stdout


def _env(paddle: str | None = None, slim: str | None = None, ppdet: str | None = None,
         converter: str | None = None) -> Environment:
    def package(name: str, value: str | None) -> Package:
        return Package(name, value, f"{name} {value}")

    return Environment(package("paddle", paddle), package("paddleslim", slim),
                       package("paddledet", ppdet), package("paddle2onnx", converter))


def _problems(env: Environment, writer: ModelWriter | None = None) -> set[str]:
    return {v.combination.key for v in judge(env, writer) if v.problem}


def test_the_rows_fire_on_the_versions_of_their_threads() -> None:
    # PaddleSlim #1756 / #1765: paddle 2.4.2 with PaddleSlim 2.5
    assert "paddleslim>=2.5 with paddle<2.5" in _problems(_env("2.4.2", "2.5.0"))
    assert "paddleslim>=2.5 with paddle<2.5" not in _problems(_env("2.5.1", "2.5.0"))
    # PaddleSlim #1797: paddle 2.5.1 with PaddleSlim 2.4.1
    assert "paddleslim<2.5 with paddle>=2.5" in _problems(_env("2.5.1", "2.4.1"))
    assert "paddleslim<2.5 with paddle>=2.5" not in _problems(_env("2.4.2", "2.4.1"))
    # PaddleDetection #7206: ppdet 2.5 needs PaddleSlim 2.5
    assert "ppdet 2.5 with paddleslim other than 2.5" in _problems(_env("2.4.2", "2.4.1", "2.5.0"))
    assert "ppdet 2.5 with paddleslim other than 2.5" not in _problems(
        _env("2.5.0", "2.5.0", "2.5.0"))
    # PaddleSlim #1665: the model's paddle is not the one running it
    old = ModelWriter("2.4.2", "model.pdmodel", (2, 4))
    assert "model exported by another paddle" in _problems(_env("2.5.1"), old)
    assert "model exported by another paddle" not in _problems(_env("2.4.1"), old)
    pir = ModelWriter(">= 3.0 (PIR)", "model.json", (3, 0))
    assert "model exported by another paddle" in _problems(_env("2.6.0"), pir)
    assert "model exported by another paddle" not in _problems(_env("3.3.1"), pir)
    # a develop build of paddle (0.0.0) is never judged by its number
    assert _problems(_env("0.0.0", "2.6.0")) == set()


def test_rows_without_their_packages_are_not_checked() -> None:
    verdicts = judge(_env(paddle="3.3.1"))
    missing = {v.combination.key: v.missing for v in verdicts}
    assert missing["paddleslim>=2.5 with paddle<2.5"] == ("paddleslim",)
    assert missing["model exported by another paddle"] == ("model",)
    assert all(v.problem is None for v in verdicts if v.missing)
