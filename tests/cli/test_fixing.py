"""Fix verification: what --apply and --interactive refuse to write."""
from __future__ import annotations

from pathlib import Path


from qatfix.run.fixes import verify_fixes
from qatfix.edit.plan import realise_fix
from qatfix.run.engine import check, contexts
from qatfix.run.plan import Run
from qatfix.rules.base import Change, PlannedFix

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"


def _with_weights(url: str) -> tuple:  # type: ignore[type-arg]
    (finding,) = [f for f in check(Run(MODEL, SLIM)) if f.code == "QF101"]
    ctx = contexts(MODEL, SLIM)[0]
    fix = realise_fix(PlannedFix("use other weights", "unsafe",
                                 (Change.set(("pretrain_weights",), url),)), ctx)
    assert fix is not None
    return verify_fixes([(finding, fix)], SLIM, ())


def test_the_right_weights_are_accepted(example: Path) -> None:
    texts, (verdict,) = _with_weights(
        "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams")
    assert verdict.accepted
    assert texts[SLIM].splitlines()[0].endswith("picodet_s_320_coco_lcnet.pdparams")


def test_swapping_one_wrong_network_for_another_is_refused(example: Path) -> None:
    _, (verdict,) = _with_weights(
        "https://paddledet.bj.bcebos.com/models/picodet_m_416_coco_lcnet.pdparams")
    assert not verdict.accepted and "QF101" in verdict.reason


def test_weights_of_another_size_are_refused_for_qat(example: Path) -> None:
    _, (verdict,) = _with_weights(
        "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams")
    assert not verdict.accepted and "QF201" in verdict.reason
