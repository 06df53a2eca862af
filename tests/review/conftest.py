"""Fixtures for the review bot: a small PicoDet config repository, a local GitHub, the env."""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from qatfix.cli.main import main
from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.run.plan import Run
from qatfix.run.request import CheckRequest
from tests.review.github_fake import FakeGitHub

TOKEN = "ghs_R3viewT0kenNeverPrinted42"
MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
BASE = "configs/picodet/_base_/picodet_v2.yml"
LEGACY = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"
LCNET = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"

FILES = {
    BASE: """\
architecture: PicoDet
norm_type: bn

PicoDet:
  backbone: LCNet
  neck: LCPAN
  head: PicoHeadV2
""",
    MODEL: """\
_BASE_: [
  '_base_/picodet_v2.yml',
]

pretrain_weights: https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/PPLCNet_x0_75_pretrained.pdparams
weights: output/picodet_s_320_coco/best_model
epoch: 300

LCNet:
  scale: 0.75
  feature_maps: [3, 4, 5]
""",
    SLIM: f"""\
pretrain_weights: {LEGACY}
slim: QAT

QAT:
  quant_config: {{'weight_quantize_type': 'channel_wise_abs_max', 'activation_quantize_type': 'moving_average_abs_max', 'weight_bits': 8, 'activation_bits': 8}}
  print_model: False

epoch: 50
""",
    ".qatfix.toml": f'pairs = [["{MODEL}", "{SLIM}"]]\n',
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_patch(old: str, new: str, context: int = 3) -> str:
    """The `patch` GitHub's list-files returns: a unified diff without the ---/+++ lines."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context))
    return "\n".join(lines[2:])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "checkout", FILES)


def weights_finding(root: Path, line: int = 1, code: str = "QF101",
                    new_url: str = LCNET) -> Finding:
    """The finding the rules engine makes for the legacy ESNet weights in the slim config."""
    path = str(root / SLIM)
    old = (root / SLIM).read_text(encoding="utf-8").splitlines(keepends=True)[line - 1]
    new = re.sub(r"https://\S+", new_url, old)
    return Finding(
        code=code, severity="error",
        message="pretrain_weights is the ESNet PicoDet-S-320 float model, but the config builds "
                "PicoDet-S-320 with an LCNet backbone: most parameters would not load",
        location=Location(path, line, 1),
        fix=Fix(title="use picodet_s_320_coco_lcnet.pdparams", safety="safe",
                edits=(TextEdit(path, line, line, old, new),), value=new_url),
        config=str(root / MODEL))


Source = Callable[..., list[Finding]]


def source_of(*makers: Callable[[str, str | None], list[Finding]]) -> tuple[Source, list]:
    """A finding source with the engine's signature (a run and the request); records every call
    it gets: (config, slim, options, root, static_only)."""
    calls: list[tuple] = []

    def check(run: Run, request: CheckRequest) -> list[Finding]:
        calls.append((run.config, run.slim, request.options, request.root, request.static_only))
        return [f for make in makers for f in make(run.config, run.slim)]

    return check, calls


@pytest.fixture
def github(httpserver) -> FakeGitHub:  # type: ignore[no-untyped-def]
    fake = FakeGitHub(token=TOKEN, base_url=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(fake)
    return fake


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep the client asks for, recorded instead of waited."""
    from qatfix.review import github_api

    recorded: list[float] = []
    monkeypatch.setattr(github_api, "sleep_seconds", recorded.append)
    return recorded


@pytest.fixture
def actions_env(monkeypatch: pytest.MonkeyPatch, github: FakeGitHub, repo: Path,
                tmp_path: Path, sleeps: list[float]) -> Path:
    """The environment of a GitHub Actions `pull_request` job; returns the step summary file."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({
        "action": "synchronize", "number": github.number,
        "pull_request": {"number": github.number, "state": "open",
                         "head": {"sha": github.head_sha, "ref": "feature"},
                         "base": {"sha": "d" * 40, "ref": "main"}},
        "repository": {"full_name": github.repo},
    }), encoding="utf-8")
    summary = tmp_path / "step_summary.md"
    for name in ("GITHUB_REPOSITORY", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_EVENT_PATH",
                 "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", github.repo)
    monkeypatch.setenv("GITHUB_API_URL", github.base_url)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(repo)
    return summary


@pytest.fixture
def use_source(monkeypatch: pytest.MonkeyPatch) -> Callable[[Source], None]:
    """Make `qatfix review` take its findings from `source` instead of the rules engine."""
    import qatfix.cli.review as cli_review

    def install(source: Source) -> None:
        monkeypatch.setattr(cli_review, "load_engine", lambda: source)

    return install


def review(*args: str) -> int:
    return main(["review", *args])
