"""`qatfix review` with the real rules engine on a small PicoDet tree of its own.

The model config is PicoDet-S-320 with the LCNet backbone; the quant slim config trains it from
the legacy ESNet `picodet_s_320_coco.pdparams`. The engine reports QF101 on the slim config's
line 1 with a safe fix to `picodet_s_320_coco_lcnet.pdparams`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.review.conftest import LCNET, TOKEN, make_patch, review, write_tree
from tests.review.github_fake import FakeGitHub, diff_entry

pytest.importorskip("qatfix.engine")

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"

TREE = {
    "configs/datasets/coco_detection.yml": """\
metric: COCO
num_classes: 80
""",
    "configs/picodet/_base_/picodet_v2.yml": """\
architecture: PicoDet

PicoDet:
  backbone: LCNet
  neck: LCPAN
  head: PicoHeadV2

LCNet:
  scale: 1.5
  feature_maps: [3, 4, 5]

LCPAN:
  out_channels: 128
  use_depthwise: True
  num_features: 4

PicoHeadV2:
  conv_feat:
    name: PicoFeat
    feat_in: 128
    feat_out: 128
    num_convs: 4
    num_fpn_stride: 4
    norm_type: bn
    share_cls_reg: True
    use_se: True
  fpn_stride: [8, 16, 32, 64]
  feat_in_chan: 128
  prior_prob: 0.01
  reg_max: 7
  cell_offset: 0.5
  grid_cell_scale: 5.0
  static_assigner_epoch: 100
  use_align_head: True
  static_assigner: {name: ATSSAssigner, topk: 9, force_gt_matching: False}
  assigner: {name: TaskAlignedAssigner, topk: 13, alpha: 1.0, beta: 6.0}
  loss_class: {name: VarifocalLoss, use_sigmoid: False, iou_weighted: True, loss_weight: 1.0}
  loss_dfl: {name: DistributionFocalLoss, loss_weight: 0.5}
  loss_bbox: {name: GIoULoss, loss_weight: 2.5}
  nms: {name: MultiClassNMS, nms_top_k: 1000, keep_top_k: 100, score_threshold: 0.025, nms_threshold: 0.6}
""",
    "configs/picodet/_base_/picodet_320_reader.yml": """\
eval_size: &eval_size [320, 320]

EvalReader:
  sample_transforms:
  - Decode: {}
  - Resize: {interp: 2, target_size: *eval_size, keep_ratio: False}
  batch_size: 8
""",
    "configs/picodet/picodet_s_320_coco_lcnet.yml": """\
_BASE_: [
  '../datasets/coco_detection.yml',
  '_base_/picodet_v2.yml',
  '_base_/picodet_320_reader.yml',
]

pretrain_weights: https://paddle-imagenet-models-name.bj.bcebos.com/dygraph/legendary_models/PPLCNet_x0_75_pretrained.pdparams
epoch: 300

LCNet:
  scale: 0.75
  feature_maps: [3, 4, 5]

LCPAN:
  out_channels: 96

PicoHeadV2:
  conv_feat:
    name: PicoFeat
    feat_in: 96
    feat_out: 96
    num_convs: 2
    num_fpn_stride: 4
    norm_type: bn
    share_cls_reg: True
    use_se: True
  feat_in_chan: 96
""",
    "configs/slim/quant/picodet_s_quant.yml": """\
pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams
slim: QAT

QAT:
  quant_config: {
    'weight_quantize_type': 'channel_wise_abs_max', 'activation_quantize_type': 'moving_average_abs_max',
    'weight_bits': 8, 'activation_bits': 8, 'quantizable_layer_type': ['Conv2D', 'Linear']}
  print_model: False

epoch: 50
""",
    ".qatfix.toml": f'pairs = [["{MODEL}", "{SLIM}"]]\n',
}


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
    from qatfix.engine import check

    after = check(str(tree / MODEL), str(tree / SLIM), root=str(tree), static_only=True)
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
    qatfix = shutil.which("qatfix")
    if qatfix is None:
        pytest.skip("the qatfix console script is not installed")
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
