"""Hostile checkpoints through every entry point that reads one, each in a fresh process: a
pickle that would run os.system, builtins.eval or subprocess.Popen, a PyTorch zip archive and a
truncated state dict. Each is refused by qatfix's restricted reader with one error line and exit 2
(or a QF000 finding), the marker file the payload would create never appears, and no file
changes. The entry points that build a model with ppdet (`--deep`, the signature store's
builder) need paddle (`require`: skipped without it, failed under CI=true)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from qatfix.deep.download import cache_path
from tests.conftest import require, tree
from tests.deep.weights_server import Served, WeightsServer
from tests.hostile.checkpoints import LIVE, MARKER, PAYLOADS, REFUSALS, write_payload
from tests.hostile.helpers import EXAMPLE, EXAMPLE_CONFIG, EXAMPLE_SLIM, Run, error_line, \
    run_module, snapshot

NAMES = sorted(PAYLOADS)


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / MARKER
    yield path
    assert not path.exists(), "a payload ran: the checkpoint was unpickled by something"


@pytest.fixture
def picodet(tmp_path: Path) -> Path:
    """The bundled PicoDet example tree, to check runs in."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "tree"))


def refused(run: Run, path: Path, name: str) -> None:
    """One error line naming the refusal, exit 2; a report (a check, not `inspect`) carries the
    unreadable run as its only finding, QF000 with the same reason, as every format does."""
    error_line(run, path, pattern=REFUSALS[name])
    if run.out:
        assert set(re.findall(r"\bQF\d{3}\b", run.out)) == {"QF000"}, run.out
        assert re.search(REFUSALS[name], run.out), run.out


def train_from(picodet: Path, weights: Path | str) -> None:
    """The example's slim config trains from `weights` (its first line is pretrain_weights)."""
    slim = picodet / EXAMPLE_SLIM
    text = slim.read_text(encoding="utf-8").splitlines(keepends=True)
    slim.write_text("".join([f"pretrain_weights: {weights}\n", *text[1:]]), encoding="utf-8")


@pytest.mark.parametrize("name", LIVE)
def test_the_payloads_are_live(tmp_path: Path, name: str) -> None:
    """Plain pickle.load runs each payload: the tests below guard against something real."""
    path = write_payload(name, tmp_path / "evil.pdparams", tmp_path / MARKER)
    subprocess.run([sys.executable, "-c", "import pickle, sys; "
                    "pickle.load(open(sys.argv[1], 'rb'))", str(path)],
                   capture_output=True, timeout=60, check=False)
    for _ in range(50):  # subprocess.Popen's child may finish after the loader
        if (tmp_path / MARKER).exists():
            break
        subprocess.run(["sleep", "0.1"], check=True)
    assert (tmp_path / MARKER).exists()
    (tmp_path / MARKER).unlink()


@pytest.mark.parametrize("name", NAMES)
def test_inspect(tmp_path: Path, marker: Path, name: str) -> None:
    path = write_payload(name, tmp_path / "model_final.pdparams", marker)
    before = snapshot(tmp_path)
    refused(run_module("inspect", str(path)), path, name)
    refused(run_module("inspect", str(path), "--format", "json"), path, name)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", NAMES)
def test_check_of_a_training_run(picodet: Path, marker: Path, name: str) -> None:
    """QF106 reads a local pretrain_weights file statically."""
    weights = write_payload(name, picodet / "output" / "model_final.pdparams", marker)
    train_from(picodet, weights)
    before = snapshot(picodet)
    run = run_module("-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM, cwd=picodet)
    refused(run, weights, name)
    run = run_module("-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM, "--apply", cwd=picodet)
    refused(run, weights, name)
    assert snapshot(picodet) == before


@pytest.mark.parametrize("name", NAMES)
def test_check_of_a_pasted_eval_command(picodet: Path, marker: Path, name: str) -> None:
    """QF901/QF902 read the checkpoint tools/eval.py loads."""
    weights = write_payload(name, picodet / "output" / "model_final.pdparams", marker)
    before = snapshot(picodet)
    run = run_module("python", "tools/eval.py", "-c", EXAMPLE_CONFIG, "-o",
                     f"weights={weights}", cwd=picodet)
    refused(run, weights, name)
    assert snapshot(picodet) == before


@pytest.mark.parametrize("name", NAMES)
def test_folder_scan_reports_qf000(picodet: Path, marker: Path, name: str) -> None:
    """With more than one run, the refused checkpoint is a QF000 finding of its run."""
    import json

    weights = write_payload(name, picodet / "output" / "model_final.pdparams", marker)
    train_from(picodet, weights)
    (picodet / ".qatfix.toml").write_text(f'pairs = [["{EXAMPLE_CONFIG}", "{EXAMPLE_SLIM}"]]\n',
                                          encoding="utf-8")
    before = snapshot(picodet)
    run = run_module("--format", "json", "configs", cwd=picodet)
    assert run.code == 2 and "Traceback" not in run.err, run.err
    unread = [f for f in json.loads(run.out)["findings"] if f["code"] == "QF000"]
    assert unread and all("not a paddle state dict" in f["message"] for f in unread), unread
    assert snapshot(picodet) == before


# --deep: the weights ppdet would load, read for the exact load report (paddle needed)

@pytest.mark.paddle
@pytest.mark.parametrize("name", NAMES)
def test_deep_training_run(picodet: Path, marker: Path, name: str) -> None:
    require("paddle")
    weights = write_payload(name, picodet / "output" / "model_final.pdparams", marker)
    train_from(picodet, weights)
    before = snapshot(picodet)
    run = run_module("-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM, "--deep", "--select",
                     "QF6", cwd=picodet, timeout=300)
    refused(run, weights, name)
    assert snapshot(picodet) == before


@pytest.mark.paddle
@pytest.mark.parametrize("name", NAMES)
def test_deep_eval_command(picodet: Path, marker: Path, name: str) -> None:
    require("paddle")
    weights = write_payload(name, picodet / "output" / "model_final.pdparams", marker)
    before = snapshot(picodet)
    run = run_module("python", "tools/eval.py", "-c", EXAMPLE_CONFIG, "-o", f"weights={weights}",
                     "--deep", "--select", "QF6", cwd=picodet, timeout=300)
    refused(run, weights, name)
    assert snapshot(picodet) == before


@pytest.fixture
def server() -> Iterator[WeightsServer]:
    server = WeightsServer()
    yield server
    server.close()


@pytest.mark.paddle
@pytest.mark.parametrize("name", NAMES)
def test_deep_download(picodet: Path, marker: Path, server: WeightsServer, name: str,
                       monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A URL the registry does not know is downloaded into the cache, read by the restricted
    reader, and not kept when refused."""
    require("paddle")
    cache = tmp_path / "cache"
    monkeypatch.setenv("QATFIX_CACHE_DIR", str(cache))
    server.files["/evil.pdparams"] = Served(PAYLOADS[name](marker))
    url = server.url("/evil.pdparams")
    train_from(picodet, url)
    before = snapshot(picodet)
    run = run_module("-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM, "--deep", "--select",
                     "QF6", cwd=picodet, timeout=300)
    refused(run, cache_path(url, cache), name)
    assert not cache_path(url, cache).exists() and not list(cache.rglob("*.part"))
    assert snapshot(picodet) == before


@pytest.mark.paddle
@pytest.mark.parametrize("name", NAMES)
def test_deep_cached_download(picodet: Path, marker: Path, name: str,
                              monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A file already in the cache under a URL's name (offline) is read the same way."""
    require("paddle")
    cache = tmp_path / "cache"
    monkeypatch.setenv("QATFIX_CACHE_DIR", str(cache))
    url = "https://example.com/models/mine.pdparams"
    cached = write_payload(name, cache_path(url, cache), marker)
    train_from(picodet, url)
    before = snapshot(tmp_path)
    run = run_module("-c", EXAMPLE_CONFIG, "--slim_config", EXAMPLE_SLIM, "--deep", "--offline",
                     "--select", "QF6", cwd=picodet, timeout=300)
    refused(run, cached, name)
    assert snapshot(tmp_path) == before


CONVNEXT = "configs/convnext/ppyoloe_convnext_tiny_36e_coco.yml"


@pytest.mark.paddle
@pytest.mark.corpus
@pytest.mark.parametrize("name", NAMES)
def test_deep_build_loading_a_backbone_checkpoint(tmp_path: Path, marker: Path,
                                                  name: str) -> None:
    """ppdet's ConvNeXt calls paddle.load on its `pretrained` file while it is built."""
    require("paddle")
    root = tree("release-2.6")
    weights = write_payload(name, tmp_path / "convnext_pretrained.pdparams", marker)
    before = snapshot(tmp_path)
    run = run_module("-c", CONVNEXT, "-o", f"ConvNeXt.pretrained={weights}", "--deep",
                     "--offline", "--select", "QF6", cwd=root, timeout=300)
    refused(run, weights, name)
    assert snapshot(tmp_path) == before


@pytest.mark.paddle
@pytest.mark.corpus
@pytest.mark.parametrize("name", NAMES)
def test_signature_store_builder_on_a_users_tree(tmp_path: Path, marker: Path,
                                                 name: str) -> None:
    """`qatfix registry signatures` builds a user's configs with ppdet: the config whose build
    loads a hostile checkpoint is recorded as failed, with the reader's one-line reason."""
    import json

    require("paddle")
    user = tmp_path / "PaddleDetection"
    shutil.copytree(tree("release-2.6") / "configs", user / "configs")
    weights = write_payload(name, tmp_path / "convnext_pretrained.pdparams", marker)
    mine = "configs/convnext/my_convnext.yml"
    (user / mine).write_text("_BASE_: ['ppyoloe_convnext_tiny_36e_coco.yml']\n"
                             f"ConvNeXt:\n  pretrained: {weights}\n", encoding="utf-8")
    before = snapshot(user)
    done = subprocess.run([sys.executable, "-m", "qatfix", "registry", "signatures",
                           "--paddledetection", str(user), "--output", str(tmp_path / "store"),
                           "--only", mine], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "refused by qatfix's reader" in done.stdout, done.stdout
    index = json.loads((tmp_path / "store" / "index.json").read_text())
    error = index["configs"][f"PaddleDetection:{mine}"]["error"]
    assert "not a paddle state dict" in error and "\n" not in error
    assert snapshot(user) == before


def _user_tree(tmp_path: Path, config_text: str) -> tuple[Path, str]:
    user = tmp_path / "PaddleDetection"
    shutil.copytree(tree("release-2.6") / "configs", user / "configs")
    mine = "configs/convnext/my_convnext.yml"
    (user / mine).write_text("_BASE_: ['ppyoloe_convnext_tiny_36e_coco.yml']\n" + config_text,
                             encoding="utf-8")
    return user, mine


@pytest.mark.paddle
@pytest.mark.corpus
def test_signature_store_builder_refuses_python_tags(tmp_path: Path, marker: Path) -> None:
    """ppdet's load_config would construct a `!!python/` tag: the builder reads the chain with
    qatfix's loader first and records the config as failed."""
    import json

    require("paddle")
    user, mine = _user_tree(tmp_path, f"epoch: !!python/object/apply:os.system ['touch {marker}']\n")
    before = snapshot(user)
    done = subprocess.run([sys.executable, "-m", "qatfix", "registry", "signatures",
                           "--paddledetection", str(user), "--output", str(tmp_path / "store"),
                           "--only", mine], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    index = json.loads((tmp_path / "store" / "index.json").read_text())
    assert "refusing Python object tag" in index["configs"][f"PaddleDetection:{mine}"]["error"]
    assert snapshot(user) == before


@pytest.mark.paddle
@pytest.mark.corpus
@pytest.mark.parametrize("name", ["os.system", "torch zip"])
def test_parameter_count_of_registry_build(tmp_path: Path, marker: Path, name: str) -> None:
    """`qatfix registry build --with-paddle` counts parameters by building each model in
    `python -m qatfix.deep.count_params CONFIG`: the build's checkpoint goes through the reader."""
    require("paddle")
    weights = write_payload(name, tmp_path / "convnext_pretrained.pdparams", marker)
    user, mine = _user_tree(tmp_path, f"ConvNeXt:\n  pretrained: {weights}\n")
    before = snapshot(user)
    done = subprocess.run([sys.executable, "-m", "qatfix.deep.count_params", str(user / mine)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert re.search(REFUSALS[name], line) and str(weights) in line, line
    assert snapshot(user) == before
