"""Weights fixes on the real develop tree, through the CLI in fresh processes: which weights
are offered, how safe they are and why, and where the fix is written."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, tree, trained_checkpoint

SLIM = "configs/slim/quant/picodet_s_quant.yml"
LCNET_MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
LEGACY_MODEL = "configs/picodet/legacy_model/picodet_s_320_coco.yml"
MODELS = "https://paddledet.bj.bcebos.com/models/"


def qatfix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "qatfix", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def findings(root: Path, *args: str) -> list[dict]:  # type: ignore[type-arg]
    result = qatfix(root, *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def fixes(finding: dict) -> list[dict]:  # type: ignore[type-arg]
    return ([finding["fix"]] if finding["fix"] else []) + finding["alternatives"]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


@pytest.mark.corpus
def test_folder_scan_proposes_no_safe_weights_replacement_and_nothing_rechecking_rejects(
        copy: Path) -> None:
    result = qatfix(copy, "configs/", "--diff")
    assert result.returncode == 1
    assert "not applied" not in result.stderr  # every safe fix proposed survives re-checking
    changed = [line for line in result.stdout.splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed and not any("pretrain_weights" in line or "weights:" in line
                               for line in changed)
    for finding in findings(copy, "configs/"):
        for fix in fixes(finding):
            if any("weights" in edit["new_text"] for edit in fix["edits"]):
                assert fix["safety"] == "unsafe", (finding["location"], fix["title"])


@pytest.mark.corpus
@pytest.mark.parametrize("config, own_weights", [
    ("configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml", "ppyoloe_plus_crn_l_80e_coco.pdparams"),
    ("configs/ppyoloe/application/ppyoloe_plus_crn_l_80e_sku110k.yml",
     "ppyoloe_plus_crn_l_80e_sku110k.pdparams"),
    ("configs/ppyoloe_seg/ppyoloe_seg_s_80e_coco.yml", "ppyoloe_seg_s_80e_coco.pdparams"),
    ("configs/pphuman/ppyoloe_plus_crn_t_auxhead_320_60e_pphuman.yml",
     "ppyoloe_plus_crn_t_auxhead_320_60e_pphuman.pdparams"),
    # sup005 derives from the full COCO recipe: its weights saw every label
    ("configs/semi_det/baseline/ppyoloe_plus_crn_l_80e_coco_sup005.yml",
     "ppyoloe_plus_crn_l_80e_coco.pdparams"),
])
def test_a_training_config_is_never_offered_its_own_result(copy: Path, config: str,
                                                           own_weights: str) -> None:
    for finding in findings(copy, config):
        for fix in fixes(finding):
            assert fix["safety"] == "unsafe"
            assert not (fix["value"] or "").endswith("/" + own_weights), fix["title"]


@pytest.mark.corpus
def test_training_fixes_drop_the_comment_about_the_old_weights(copy: Path) -> None:
    config = "configs/pphuman/ppyoloe_plus_crn_t_auxhead_320_60e_pphuman.yml"
    assert "# 640*640 COCO mAP 39.7" in (copy / config).read_text()
    (finding,) = [f for f in findings(copy, config) if f["fix"]]
    new = [e["new_text"] for fix in fixes(finding) for e in fix["edits"]]
    assert new and all("#" not in text and text.startswith("pretrain_weights: ") for text in new)
    assert finding["fix"]["reason"].startswith("a train run starts from the weights you choose")


@pytest.mark.corpus
def test_distill_pair_gets_no_safe_student_weights(copy: Path) -> None:
    student = "configs/ppyoloe/distill/ppyoloe_plus_crn_l_80e_coco_distill.yml"
    teacher = "configs/slim/distill/ppyoloe_plus_distill_x_distill_l.yml"
    result = qatfix(copy, "-c", student, "--slim_config", teacher, "--apply")
    assert result.returncode == 0, result.stderr
    assert "applied" not in result.stderr
    # the report was made: the one info (the recipe's own start), nothing to apply
    assert result.stdout.splitlines()[-1] == "0 errors, 0 warnings, 1 info"
    found = findings(copy, "-c", student, "--slim_config", teacher)
    assert [(f["code"], f["severity"]) for f in found] == [("QF101", "info")]
    for finding in found:
        assert all(fix["safety"] == "unsafe" for fix in fixes(finding))
    assert (copy / student).read_bytes() == (tree("develop") / student).read_bytes()


@pytest.mark.corpus
def test_legacy_exact_match_goes_into_a_slim_file_of_its_own(copy: Path) -> None:
    """ppyoloe_l_qat.yml is the L model's recipe: the exact (legacy) S weights go into a new slim
    file for the S model; writing them into the shared file is offered, naming the L run it
    breaks and its figure."""
    model, slim = "configs/ppyoloe/ppyoloe_crn_s_300e_coco.yml", "configs/slim/quant/ppyoloe_l_qat.yml"
    (finding,) = [f for f in findings(copy, "-c", model, "--slim_config", slim) if f["fix"]]
    fix = finding["fix"]
    assert fix["safety"] == "safe" and fix["value"] == MODELS + "ppyoloe_crn_s_300e_coco.pdparams"
    assert "listed as legacy, but the exact match" in fix["reason"]
    assert fix["edits"][0]["path"] == "configs/slim/quant/ppyoloe_crn_s_300e_coco_qat.yml"
    assert fix["edits"][0]["new_text"] == (
        f"_BASE_: [ppyoloe_l_qat.yml]\npretrain_weights: {MODELS}ppyoloe_crn_s_300e_coco.pdparams\n")
    assert f"then run python tools/train.py -c {model} --slim_config " \
        "configs/slim/quant/ppyoloe_crn_s_300e_coco_qat.yml" in fix["title"]
    in_place = finding["alternatives"][0]
    assert in_place["safety"] == "unsafe" and [e["path"] for e in in_place["edits"]] == [slim]
    assert "is also used with configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml" in in_place["title"]
    assert in_place["reason"].startswith(
        f"it changes -c configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml --slim_config {slim} too: ")
    assert "state-dict tensors would load instead of" in in_place["reason"]
    assert "mot_ppyoloe_s_36e_ppvehicle" not in in_place["title"]


@pytest.mark.corpus
def test_legacy_esnet_model_with_lcnet_weights_never_flips_the_shared_line(copy: Path) -> None:
    """The shared slim config now loads the LCNet weights: restoring the ESNet weights in it
    would break the LCNet run, so the ESNet model gets a slim file of its own, and a second
    --apply (from either model) writes nothing."""
    slim = copy / SLIM
    lines = slim.read_text().splitlines(keepends=True)
    lines[0] = f"pretrain_weights: {MODELS}picodet_s_320_coco_lcnet.pdparams\n"
    slim.write_text("".join(lines))
    shared = slim.read_bytes()
    (finding,) = [f for f in findings(copy, "-c", LEGACY_MODEL, "--slim_config", SLIM)
                  if f["code"] == "QF101"]
    assert finding["fix"]["safety"] == "safe"
    assert finding["fix"]["value"] == MODELS + "picodet_s_320_coco.pdparams"
    new = "configs/slim/quant/picodet_s_320_coco_qat.yml"
    assert [e["path"] for e in finding["fix"]["edits"]] == [new]
    assert f"-c {LCNET_MODEL} --slim_config {SLIM}" in finding["alternatives"][0]["reason"]
    result = qatfix(copy, "-c", LEGACY_MODEL, "--slim_config", SLIM, "--apply")
    assert result.returncode == 1 and f"--slim_config {new}" in result.stderr
    assert slim.read_bytes() == shared
    assert qatfix(copy, "-c", LEGACY_MODEL, "--slim_config", new, "--fail-on", "error").returncode == 0
    written = {p: p.read_bytes() for p in copy.rglob("*.yml")}
    for model in (LEGACY_MODEL, LCNET_MODEL):
        qatfix(copy, "-c", model, "--slim_config", SLIM, "--apply")
    assert {p: p.read_bytes() for p in copy.rglob("*.yml")} == written


@pytest.mark.corpus
def test_qat_without_weights_is_fixed_in_the_slim_config_not_the_model(copy: Path) -> None:
    slim = "configs/slim/quant/no_weights_qat.yml"
    (copy / slim).write_text("".join((copy / SLIM).read_text().splitlines(keepends=True)[1:]))
    model_before = (copy / LCNET_MODEL).read_bytes()
    result = qatfix(copy, "-c", LCNET_MODEL, "--slim_config", slim, "--apply")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (copy / LCNET_MODEL).read_bytes() == model_before
    assert (copy / slim).read_text().endswith(
        f"pretrain_weights: {MODELS}picodet_s_320_coco_lcnet.pdparams\n")


@pytest.mark.corpus
def test_the_users_own_trained_model_comes_first_and_nothing_is_safe_then(copy: Path) -> None:
    saved = copy / "output" / "picodet_s_320_coco_lcnet"
    saved.mkdir(parents=True)
    trained_checkpoint(saved / "model_final.pdparams")
    (finding,) = [f for f in findings(copy, "-c", LCNET_MODEL, "--slim_config", SLIM)
                  if f["code"] == "QF101"]
    assert finding["fix"]["value"] == "output/picodet_s_320_coco_lcnet/model_final"
    assert all(fix["safety"] == "unsafe" for fix in fixes(finding))
    assert [e["path"] for e in finding["fix"]["edits"]] == [SLIM]


@pytest.mark.corpus
def test_shared_slim_fix_names_the_run_it_breaks(copy: Path) -> None:
    (finding,) = [f for f in findings(copy, "-c", LCNET_MODEL, "--slim_config", SLIM)
                  if f["code"] == "QF101"]
    assert finding["fix"]["safety"] == "safe"
    assert "then run python tools/train.py -c configs/picodet/picodet_s_320_coco_lcnet.yml " \
        "--slim_config configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml" in finding["fix"]["title"]
    in_place = finding["alternatives"][0]
    assert f"is also used with {LEGACY_MODEL}" in in_place["title"]
    assert in_place["safety"] == "unsafe" and in_place["reason"] == (
        f"it changes -c {LEGACY_MODEL} --slim_config {SLIM} too: 140 of 580 state-dict tensors "
        "would load instead of 580 of 580")
