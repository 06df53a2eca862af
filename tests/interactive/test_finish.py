"""Verifying the chosen fixes before anything is written (shared with --apply)."""
from __future__ import annotations

from pathlib import Path

import pytest

from qatfix.run.fixes import verify_fixes
from qatfix.run.engine import check, contexts
from qatfix.run.plan import Run
from qatfix.interactive.finish import rejections
from qatfix.interactive.flow import Choose, Review, step
from qatfix.interactive.fix_choices import custom_fix, review_items
from tests.interactive.conftest import HERE, LCNET, LEGACY, MODEL, SLIM


def _review(root: Path, monkeypatch: pytest.MonkeyPatch) -> Review:
    monkeypatch.chdir(root)
    ctx = contexts(MODEL, SLIM)[0]
    return Review.start(review_items(check(Run(MODEL, SLIM)), lambda f: ctx))


def test_fixes_that_shift_lines_of_one_file_are_all_kept(pitfalls: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    review = _review(pitfalls, monkeypatch)
    for _ in range(3):
        review = step(review, "apply")
    texts, verdicts = verify_fixes(review.chosen, SLIM, ())
    assert [v.accepted for v in verdicts] == [True, True, True]
    original = (HERE / "fixtures" / "picodet_s_quant_pitfalls.yml").read_text()
    expected = (original.replace(LEGACY, LCNET).replace("slim: QAT\nepoch: 300\n", "slim: QAT\n")
                .replace("base_lr: 1e-4", "base_lr: 0.0001"))
    assert texts == {SLIM: expected}
    assert rejections(review, verdicts) == {}


def test_a_fix_creating_a_new_error_is_rejected_and_reported(picodet: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    review = _review(picodet, monkeypatch)
    ctx = contexts(MODEL, SLIM)[0]
    # the 416 model is the same network, but QAT at 320 from 416 weights is an error (QF201)
    review = step(step(review, Choose(review.items[0].choices[1])), "apply")
    texts, verdicts = verify_fixes(review.chosen, SLIM, ())
    assert texts == {}
    # the rejection says what the new error says: 416 weights, a 320 model
    assert rejections(review, verdicts) == {0: (
        f"it would create QF201 in {SLIM} (pretrain_weights picodet_s_416_coco_lcnet was trained "
        "at 416x416, but the readers use 320x320 (EvalReader Resize target_size))")}
    review = _review(picodet, monkeypatch)
    own = custom_fix(ctx, "https://example.com/picodet_s_320_coco_lcnet_finetuned.pdparams")
    review = step(step(review, Choose(own)), "apply")
    texts, verdicts = verify_fixes(review.chosen, SLIM, ())
    assert [v.accepted for v in verdicts] == [True]
    assert texts[SLIM].splitlines()[0] == \
        "pretrain_weights: https://example.com/picodet_s_320_coco_lcnet_finetuned.pdparams"


def test_apply_keeps_every_safe_fix_of_one_file(pitfalls: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """--apply shares the verification: its three fixes to one file are all written."""
    from qatfix.cli.main import main

    monkeypatch.chdir(pitfalls)
    assert main(["-c", MODEL, "--slim_config", SLIM, "--apply"]) == 0
    original = (HERE / "fixtures" / "picodet_s_quant_pitfalls.yml").read_text()
    assert (pitfalls / SLIM).read_text() == (
        original.replace(LEGACY, LCNET).replace("slim: QAT\nepoch: 300\n", "slim: QAT\n")
        .replace("base_lr: 1e-4", "base_lr: 0.0001"))
