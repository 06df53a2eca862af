"""`qatfix review` with the real rules engine on a small PicoDet tree of its own.

The model config is PicoDet-S-320 with the LCNet backbone; the quant slim config trains it from
the legacy ESNet `picodet_s_320_coco.pdparams`. The engine reports QF101 on the slim config's
line 1 with a safe fix to `picodet_s_320_coco_lcnet.pdparams`.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import require_executable
from tests.review.conftest import LCNET, TOKEN, make_patch, review, write_tree
from tests.review.github_fake import FakeGitHub, diff_entry

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"

#: the bundled example tree (PicoDet-S-320 LCNet quantized from the legacy ESNet weights)
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "picodet"
TREE = {path.relative_to(EXAMPLE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(EXAMPLE.rglob("*.yml"))}
TREE[".qatfix.toml"] = f'pairs = [["{MODEL}", "{SLIM}"]]\n'


@pytest.fixture
def tree(actions_env: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The engine's fixture tree, in place of the default checkout the environment points at."""
    checkout = write_tree(repo.parent / "engine_checkout", TREE)
    monkeypatch.chdir(checkout)
    return checkout


def slim_pr(github: FakeGitHub) -> None:
    old = TREE[SLIM].replace("picodet_s_320_coco.pdparams", "picodet_s_416_coco_lcnet.pdparams")
    github.files = [diff_entry(SLIM, make_patch(old, TREE[SLIM]))]


def test_the_engine_finding_becomes_a_suggestion_on_line_1(tree, github, actions_env):
    slim_pr(github)

    assert review("--fail-on", "error") == 1

    (posted,) = github.posted()
    assert posted["event"] == "COMMENT" and posted["commit_id"] == github.head_sha
    (comment,) = posted["comments"]
    assert {k: v for k, v in comment.items() if k != "body"} == {
        "path": SLIM, "line": 1, "side": "RIGHT"}
    assert comment["body"].startswith("**QF101** (error): pretrain_weights picodet_s_320_coco ")
    assert f"```suggestion\npretrain_weights: {LCNET}\n```" in comment["body"]
    assert "Suggested fix: Use picodet_s_320_coco_lcnet" in comment["body"]
    # the other findings (no fix, or not on a changed line) are listed in the body
    assert "**QF101**" not in posted["body"]
    assert posted["body"].startswith("<!-- qatfix-review -->")

    # the suggestion, applied as GitHub would, is exactly what `qatfix --apply` would write
    lines = (tree / SLIM).read_text().splitlines()
    suggestion = comment["body"].split("```suggestion\n")[1].split("\n```")[0]
    lines[0:1] = suggestion.splitlines()
    (tree / SLIM).write_text("\n".join(lines) + "\n")
    from qatfix.run.engine import check
    from qatfix.run.plan import Run
    from qatfix.run.request import CheckRequest

    after = check(Run(str(tree / MODEL), str(tree / SLIM)),
                  CheckRequest(root=str(tree), static_only=True))
    assert "QF101" not in {f.code for f in after}


def test_rerun_with_the_engine_posts_nothing_new(tree, github, actions_env, capsys):
    slim_pr(github)
    assert review() == 0
    assert review() == 0
    assert len(github.posted()) == 1
    assert "already reported" in capsys.readouterr().out


def test_a_base_leaving_the_repository_is_reported_not_read(tree, github, actions_env):
    outside = tree.parent / "outside.yml"
    outside.write_text("pretrain_weights: https://example.com/secret.pdparams\n")
    evil = "configs/evil.yml"
    write_tree(tree, {evil: "_BASE_: ['../../outside.yml']\nepoch: 1\n"})
    github.files = [diff_entry(evil, "@@ -0,0 +1,2 @@\n+_BASE_: ['../../outside.yml']\n+epoch: 1",
                               "added")]

    assert review("--fail-on", "error") == 1

    (posted,) = github.posted()
    assert "QF000" in posted["body"] and "leaves the repository" in posted["body"]
    assert "secret" not in posted["body"]


def test_the_action_step_runs_qatfix_review(tree, github, actions_env):
    require_executable("qatfix")
    slim_pr(github)
    action = YAML(typ="safe").load((Path(__file__).resolve().parents[2] / "action.yml").read_text())
    step = action["runs"]["steps"][-1]
    env = {**os.environ, **step["env"], "GITHUB_TOKEN": TOKEN, "QATFIX_FAIL_ON": "error",
           "QATFIX_ARGS": f"--root {tree}"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=tree.parent,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert f"{SLIM}:1: error QF101" in done.stdout
    (posted,) = github.posted()
    assert posted["comments"][0]["line"] == 1
    assert TOKEN not in done.stdout + done.stderr
    assert json.loads(json.dumps(posted)) == posted
