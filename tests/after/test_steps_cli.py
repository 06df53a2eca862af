"""eval/export/infer/post_quant commands pasted after qatfix, in fresh processes on develop."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tests.after.helpers import codes, findings, qatfix
from tests.conftest import tree

PICODET = "configs/picodet/picodet_s_416_coco_lcnet.yml"
PICODET_QAT = "configs/slim/quant/picodet_s_416_lcnet_quant.yml"
QAT_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet_quant.pdparams"
FLOAT_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"
PPYOLO = "configs/ppyolo/ppyolo_mbv3_large_coco.yml"
PRUNED_URL = "https://paddledet.bj.bcebos.com/models/slim/ppyolo_mbv3_large_prune_fpgm.pdparams"


@pytest.fixture
def root() -> Path:
    return tree("develop")


@pytest.mark.parametrize("script", ["eval.py", "export_model.py", "infer.py"])
def test_official_qat_checkpoint_without_its_slim_config(root: Path, script: str) -> None:
    code, found = findings("python", f"tools/{script}", "-c", PICODET, "-o",
                           f"weights={QAT_URL}", cwd=root)
    assert code == 1 and codes(found) == ["QF901"]
    assert (f"run instead: python tools/{script} -c {PICODET} --slim_config {PICODET_QAT} "
            f"-o weights={QAT_URL}") in found[0]["message"]
    code, found = findings("python", f"tools/{script}", "-c", PICODET, "--slim_config",
                           PICODET_QAT, "-o", f"weights={QAT_URL}", cwd=root)
    assert "QF901" not in codes(found) and "QF902" not in codes(found)


def test_official_pruned_checkpoint_without_its_slim_config(root: Path) -> None:
    code, found = findings("python", "tools/export_model.py", "-c", PPYOLO, "-o",
                           f"weights={PRUNED_URL}", cwd=root)
    assert code == 1 and "QF901" in codes(found)
    message = next(f["message"] for f in found if f["code"] == "QF901")
    assert "pruned checkpoint" in message
    assert "--slim_config configs/slim/prune/ppyolo_mbv3_large_prune_fpgm.yml" in message


def test_float_weights_with_a_qat_slim_config_at_export(root: Path) -> None:
    code, found = findings("python", "tools/export_model.py", "-c", PICODET, "--slim_config",
                           PICODET_QAT, "-o", f"weights={FLOAT_URL}", cwd=root)
    assert code == 1 and "QF902" in codes(found)
    # training from the float model with the same slim config is what QAT is for
    code, found = findings("python", "tools/train.py", "-c", PICODET, "--slim_config",
                           PICODET_QAT, "-o", f"pretrain_weights={FLOAT_URL}", cwd=root)
    assert not {"QF901", "QF902", "QF903", "QF904"} & set(codes(found))
    assert code == 0 and codes(found) == ["QF501"]  # the checkpoint-size note of any QAT run


def test_distill_slim_config_has_no_effect_at_eval(root: Path) -> None:
    code, found = findings(
        "python", "tools/eval.py", "-c", "configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml",
        "--slim_config", "configs/slim/distill/ppyoloe_plus_distill_m_distill_s.yml", "-o",
        "weights=https://paddledet.bj.bcebos.com/models/ppyoloe_plus_crn_s_80e_coco.pdparams",
        cwd=root)
    # the teacher is never built at eval: only the student model and its weights are checked
    assert codes(found) == ["QF903"]
    assert found[0]["location"]["path"].endswith("ppyoloe_plus_distill_m_distill_s.yml")


def test_post_quant_needs_a_ptq_slim_config(root: Path) -> None:
    code, found = findings("python", "tools/post_quant.py", "-c", PICODET, "--slim_config",
                           PICODET_QAT, "-o", f"weights={FLOAT_URL}", cwd=root)
    assert code == 1 and "QF904" in codes(found)
    code, found = findings("python", "tools/post_quant.py", "-c", PPYOLO, "--slim_config",
                           "configs/slim/post_quant/ppyolo_mbv3_large_ptq.yml", cwd=root)
    assert "QF904" not in codes(found)
    assert code == 0 and found == []  # the zoo's own PTQ recipe: checked, and clear


def test_ptq_slim_config_at_export_is_post_quant_s(root: Path) -> None:
    ptq = "configs/slim/post_quant/ppyolo_mbv3_large_ptq.yml"
    code, found = findings("python", "tools/export_model.py", "-c", PPYOLO, "--slim_config", ptq,
                           cwd=root)
    assert code == 1 and codes(found) == ["QF907"]
    assert found[0]["location"]["path"] == ptq
    assert f"run instead: python tools/post_quant.py -c {PPYOLO} --slim_config {ptq}" in \
        found[0]["message"]
    assert findings("python", "tools/post_quant.py", "-c", PPYOLO, "--slim_config", ptq,
                    cwd=root) == (0, [])


def test_fused_normalization_at_export(root: Path) -> None:
    config = "configs/smalldet/ppyoloe_crn_l_80e_sliced_visdrone_640_025.yml"
    code, found = findings("python", "tools/export_model.py", "-c", config, cwd=root)
    assert "QF905" in codes(found)
    assert code == 1 and codes(found) == ["QF103", "QF905", "QF908"]
    code, found = findings("python", "tools/train.py", "-c", config, cwd=root)
    assert "QF905" not in codes(found)
    # the training run is judged as one: its weights' classes and its learning rate
    assert code == 1 and codes(found) == ["QF104", "QF305"]


def test_a_pickle_that_runs_code_is_refused_without_running_it(root: Path,
                                                               tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            import os

            return (os.system, (f"touch {marker}",))

    weights = tmp_path / "model_final.pdparams"
    weights.write_bytes(pickle.dumps({"conv.weight": Payload()}, protocol=4))
    done = qatfix("python", "tools/eval.py", "-c", PICODET, "-o",
                  f"weights={tmp_path / 'model_final'}", cwd=root)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "not a paddle state dict" in done.stderr and "system" in done.stderr
    assert not marker.exists()
    weights.write_bytes(b"\x00not a pickle at all")
    done = qatfix("python", "tools/eval.py", "-c", PICODET, "-o", f"weights={weights}",
                  cwd=root)
    assert done.returncode == 2 and "not a paddle state dict" in done.stderr


def test_pasted_act_command_needs_its_act_config(root: Path) -> None:
    done = qatfix("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                  cwd=root / "deploy" / "auto_compression")
    assert done.returncode == 2 and "names no ACT config" in done.stderr
