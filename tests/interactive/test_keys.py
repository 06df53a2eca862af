"""The review in a pseudo-terminal answered with single keys as in `git add -p`, a choice that
would create a new problem, and a fix that writes a new slim config."""
from __future__ import annotations

from pathlib import Path

from qatfix.interactive.menus import ACTION_QUESTION, PROBLEM_QUESTION, WEIGHTS_QUESTION
from tests.interactive.conftest import DOWN, ENTER, LCNET, LEGACY, SLIM, Terminal

LCNET_416 = "https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"
NEW_SLIM = "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml"
MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _replaced(before: bytes, old: str, new: str) -> bytes:
    return before.replace(f"pretrain_weights: {old}\n".encode(),
                          f"pretrain_weights: {new}\n".encode(), 1)


def test_y_applies_at_once(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect(f"{ACTION_QUESTION} [y,n,a,c,q,?]")
    term.send("y")
    assert term.finish() == 0
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _replaced(before.pop(SLIM), LEGACY, LCNET)
    assert after == before
    # the summary says what was written where
    assert f"applied      QF101 {SLIM}:1: Use picodet_s_320_coco_lcnet" in term.output
    assert f"-> {SLIM}" in term.output
    assert f"wrote {SLIM}" in term.output


def test_n_skips_and_q_quits(pitfalls: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(pitfalls)
    term = terminal(pitfalls)
    term.expect("[1/3]")
    term.expect(ACTION_QUESTION)
    term.send("n")
    term.expect("[2/3]")
    term.expect(ACTION_QUESTION)
    term.send("q")
    assert term.finish() == 1
    assert "nothing changed" in term.output
    assert "skipped      QF101" in term.output and "not reviewed QF401" in term.output
    assert _snapshot(pitfalls) == before


def test_a_applies_this_and_the_remaining_safe_fixes(pitfalls: Path,
                                                     terminal: type[Terminal]) -> None:
    term = terminal(pitfalls)
    term.expect(ACTION_QUESTION)
    term.send("a")
    term.finish()
    assert term.output.count("applied") >= 3
    text = (pitfalls / SLIM).read_text()
    assert f"pretrain_weights: {LCNET}" in text and "base_lr: 0.0001" in text


def test_question_mark_shows_the_keys_then_asks_again(picodet: Path,
                                                      terminal: type[Terminal]) -> None:
    term = terminal(picodet)
    term.expect(ACTION_QUESTION)
    term.send("?")
    term.expect("y - apply this fix")
    term.expect("c - choose other weights")
    term.expect("? - print this help")
    term.expect(ACTION_QUESTION)
    term.send("n")
    assert term.finish() == 1


def test_arrow_keys_still_work(picodet: Path, terminal: type[Terminal]) -> None:
    term = terminal(picodet)
    term.expect(ACTION_QUESTION)
    term.send(DOWN + ENTER)  # skip
    assert term.finish() == 1
    assert "skipped" in term.output


def test_a_choice_creating_a_new_problem_is_explained_and_another_can_be_picked(
        picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect(ACTION_QUESTION)
    term.send("c")
    term.answer(WEIGHTS_QUESTION, 1)  # the 416x416 weights: the readers use 320x320
    term.expect("it would create QF201")
    term.expect("trained at 416x416, but the readers use 320x320")  # said in the model's terms
    term.expect(PROBLEM_QUESTION)
    term.pick(1)  # pick another
    term.answer(WEIGHTS_QUESTION, 0)  # the exact match
    term.expect(f"+pretrain_weights: {LCNET}")
    term.expect(ACTION_QUESTION)
    term.send("y")
    assert term.finish() == 0
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _replaced(before.pop(SLIM), LEGACY, LCNET)
    assert after == before


def test_apply_anyway_writes_the_choice_and_the_recheck_shows_the_problem(
        picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect(ACTION_QUESTION)
    term.send("c")
    term.answer(WEIGHTS_QUESTION, 1)
    term.expect("apply anyway (it would create QF201")
    term.pick(0)
    term.expect(f"+pretrain_weights: {LCNET_416}")
    term.expect(ACTION_QUESTION)
    term.send("y")
    assert term.finish() == 1  # the QF201 error the user accepted
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _replaced(before.pop(SLIM), LEGACY, LCNET_416)
    assert after == before
    assert "not applied" not in term.output
    assert "QF201" in term.output.split("re-check:")[1]


def test_a_new_slim_file_for_this_model_is_created(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect("is also used with configs/picodet/legacy_model/picodet_s_320_coco.yml")
    term.expect(ACTION_QUESTION)
    term.send("c")
    term.expect("in a new slim file picodet_s_320_coco_lcnet_qat.yml [safe]")
    term.pick(3)  # the exact match, in a new slim file
    term.expect(f"+++ b/{NEW_SLIM}")
    term.expect(ACTION_QUESTION)
    term.send("y")
    assert term.finish() == 0  # re-checked with the new slim config: only an info remains
    assert f"re-check with --slim_config {NEW_SLIM}:" in term.output
    assert "0 errors, 0 warnings, 1 info" in term.output
    after = _snapshot(picodet)
    assert after.pop(NEW_SLIM) == (b"_BASE_: [picodet_s_quant.yml]\n"
                                   + f"pretrain_weights: {LCNET}\n".encode())
    assert after == before  # the shared slim config is left as the legacy model needs it
    assert f"created {NEW_SLIM}" in term.output
    assert f"run with: python tools/train.py -c {MODEL} --slim_config {NEW_SLIM}" in term.output
