"""The real program in a pseudo-terminal: answers given with the arrow keys and Enter, then the
files' bytes checked (unchanged, or exactly the expected lines changed)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from qatfix.interactive.menus import ACTION_QUESTION, CUSTOM_QUESTION, WEIGHTS_QUESTION
from tests.conftest import trained_checkpoint
from tests.interactive.conftest import (
    CLEAR_LINE, CTRL_C, ENTER, LCNET, LEGACY, MODEL, PEDESTRIAN, SLIM, Terminal,
)

# positions in the menus (see qatfix.interactive.menus)
APPLY, SKIP, ALL = 0, 1, 2
CHOOSE, QUIT_WITH_CHOICES, QUIT_WITHOUT_CHOICES = 3, 4, 3
PEDESTRIAN_CANDIDATE, CUSTOM = 2, 4  # in the weights list of the example: 3 candidates (the
# 416 model, which loads fully, before the 1-class pedestrian model), the first again in a new
# slim file, then "enter"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _with_lines(before: bytes, *changes: tuple[bytes, bytes]) -> bytes:
    """`before` with each whole line `old` (appearing exactly once) replaced by `new`."""
    lines = before.splitlines(keepends=True)
    for old, new in changes:
        assert lines.count(old) == 1, old
        index = lines.index(old)
        lines[index:index + 1] = [new] if new else []
    return b"".join(lines)


def _weights_line(url: str) -> bytes:
    return f"pretrain_weights: {url}\n".encode()


def test_apply_writes_exactly_the_proposed_line(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect("[1/1]")
    term.expect("why: The weights were trained as a different network")
    term.expect(f"+pretrain_weights: {LCNET}")
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 0  # only an info remains
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _with_lines(before.pop(SLIM),
                                          (_weights_line(LEGACY), _weights_line(LCNET)))
    assert after == before
    assert f"wrote {SLIM}" in term.output
    assert "re-check:" in term.output
    assert "0 errors, 0 warnings, 1 info" in term.output


def test_skip_writes_nothing(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, SKIP)
    assert term.finish() == 1
    assert "nothing changed" in term.output
    assert _snapshot(picodet) == before


def test_choose_the_pedestrian_candidate(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.expect(WEIGHTS_QUESTION)
    term.expect("picodet_s_320_lcnet_pedestrian (picodet s, 320x320, aic_coco_train_cocoformat, "
                "1 class, your model 80, same network as your model) [unsafe]")
    term.pick(PEDESTRIAN_CANDIDATE)
    term.expect(f"+pretrain_weights: {PEDESTRIAN}")  # the diff of the new choice, then asked again
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 1  # QF104: the pedestrian model has 1 class
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _with_lines(before.pop(SLIM),
                                          (_weights_line(LEGACY), _weights_line(PEDESTRIAN)))
    assert after == before
    assert "QF104" in term.output.split("re-check:")[1]


def test_enter_a_path_checked_as_ppdet_would_load_it(picodet: Path,
                                                     terminal: type[Terminal]) -> None:
    (picodet / "output" / "x").mkdir(parents=True)
    trained_checkpoint(picodet / "output" / "x" / "model_final.pdparams")
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.answer(WEIGHTS_QUESTION, CUSTOM)
    term.type(CUSTOM_QUESTION, "output/y/model_final")
    term.expect("output/y/model_final.pdparams does not exist")
    term.send(CLEAR_LINE + "ftp://example.com/w.pdparams\r")
    term.expect("a URL must")
    term.send(CLEAR_LINE + "output/x/model_final\r")
    term.expect("+pretrain_weights: output/x/model_final")
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 0
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _with_lines(
        before.pop(SLIM), (_weights_line(LEGACY), b"pretrain_weights: output/x/model_final\n"))
    assert after == before


def test_the_runs_own_trained_model_is_listed(picodet: Path, terminal: type[Terminal]) -> None:
    saved = picodet / "output" / "picodet_s_320_coco_lcnet"
    saved.mkdir(parents=True)
    trained_checkpoint(saved / "best_model.pdparams")
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.expect("+pretrain_weights: output/picodet_s_320_coco_lcnet/best_model")  # proposed first
    term.answer(ACTION_QUESTION, CHOOSE)
    term.expect(WEIGHTS_QUESTION)
    term.expect("Load your own trained float model output/picodet_s_320_coco_lcnet/best_model "
                "[unsafe, proposed]")
    term.pick(0)
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 0
    after = _snapshot(picodet)
    assert after.pop(SLIM) == _with_lines(
        before.pop(SLIM),
        (_weights_line(LEGACY), b"pretrain_weights: output/picodet_s_320_coco_lcnet/best_model\n"))
    assert after == before


def test_back_from_the_list_keeps_the_proposal(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.answer(WEIGHTS_QUESTION, CUSTOM + 1)  # back
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 0
    assert _snapshot(picodet)[SLIM] == _with_lines(before[SLIM],
                                                   (_weights_line(LEGACY), _weights_line(LCNET)))


def test_quit_midway_writes_only_what_was_chosen(pitfalls: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(pitfalls)
    term = terminal(pitfalls)
    term.answer(ACTION_QUESTION, APPLY)
    term.expect("[2/3]")
    term.expect("QF401 duplicate key epoch")
    term.answer(ACTION_QUESTION, QUIT_WITHOUT_CHOICES)
    assert term.finish() == 1
    after = _snapshot(pitfalls)
    assert after.pop(SLIM) == _with_lines(before.pop(SLIM),
                                          (_weights_line(LEGACY), _weights_line(LCNET)))
    assert after == before
    assert "not reviewed QF401" in term.output
    assert "not reviewed QF402" in term.output


def test_skip_one_apply_another(pitfalls: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(pitfalls)
    term = terminal(pitfalls)
    term.answer(ACTION_QUESTION, SKIP)
    term.expect("[2/3]")
    term.answer(ACTION_QUESTION, SKIP)
    term.expect("[3/3]")
    term.expect("+  base_lr: 0.0001")
    term.answer(ACTION_QUESTION, APPLY)
    assert term.finish() == 1
    after = _snapshot(pitfalls)
    assert after.pop(SLIM) == _with_lines(before.pop(SLIM),
                                          (b"  base_lr: 1e-4\n", b"  base_lr: 0.0001\n"))
    assert after == before


def test_apply_this_and_all_remaining(pitfalls: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(pitfalls)
    term = terminal(pitfalls)
    term.answer(ACTION_QUESTION, ALL)
    assert term.finish() == 0
    after = _snapshot(pitfalls)
    assert after.pop(SLIM) == _with_lines(before.pop(SLIM),
                                          (_weights_line(LEGACY), _weights_line(LCNET)),
                                          (b"epoch: 300\n", b""),
                                          (b"  base_lr: 1e-4\n", b"  base_lr: 0.0001\n"))
    assert after == before
    assert "[2/3]" not in term.output  # the remaining safe fixes were not asked about


def test_ctrl_c_after_choosing_writes_nothing(pitfalls: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(pitfalls)
    term = terminal(pitfalls)
    term.answer(ACTION_QUESTION, APPLY)
    term.expect("[2/3]")
    term.expect(ACTION_QUESTION)
    term.send(CTRL_C)
    assert term.finish() == 130
    assert "qatfix: interrupted" in term.output
    assert _snapshot(pitfalls) == before


def test_ctrl_c_while_typing_a_path_writes_nothing(picodet: Path, terminal: type[Terminal]) -> None:
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.answer(WEIGHTS_QUESTION, CUSTOM)
    term.expect(CUSTOM_QUESTION)
    term.send("output/x" + CTRL_C)
    assert term.finish() == 130
    assert _snapshot(picodet) == before


def test_without_a_terminal_it_suggests_apply(picodet: Path) -> None:
    before = _snapshot(picodet)
    done = subprocess.run([sys.executable, "-m", "qatfix", "-c", MODEL, "--slim_config", SLIM,
                           "--interactive"], cwd=picodet, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "needs a terminal" in done.stderr and "--apply" in done.stderr
    assert _snapshot(picodet) == before


def test_nothing_to_review_reports_and_exits(picodet: Path, terminal: type[Terminal]) -> None:
    fixed = (picodet / SLIM).read_bytes().replace(LEGACY.encode(), LCNET.encode())
    (picodet / SLIM).write_bytes(fixed)
    before = _snapshot(picodet)
    term = terminal(picodet)
    assert term.finish() == 0
    assert "nothing to fix" in term.output
    assert _snapshot(picodet) == before


def test_a_file_changed_during_the_review_is_not_written(picodet: Path,
                                                         terminal: type[Terminal]) -> None:
    term = terminal(picodet)
    term.expect(ACTION_QUESTION)
    edited = (picodet / SLIM).read_bytes() + b"# edited meanwhile\n"
    (picodet / SLIM).write_bytes(edited)
    before = _snapshot(picodet)
    term.pick(APPLY)
    assert term.finish() == 2
    assert "file changed since it was read; nothing written" in term.output
    assert _snapshot(picodet) == before


ESC = "\x1b"


def test_the_path_prompt_goes_back_with_esc_or_an_empty_answer(picodet: Path,
                                                               terminal: type[Terminal]) -> None:
    """Esc answers at once (it does not wait to prefix the next key) and an empty answer goes
    back too: to the list, where the next key chooses as usual."""
    before = _snapshot(picodet)
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.answer(WEIGHTS_QUESTION, CUSTOM)
    term.expect(f"{CUSTOM_QUESTION} (empty or Esc: back)")
    term.send(ESC)
    term.answer(WEIGHTS_QUESTION, CUSTOM)  # back at the list: the next keys move in it
    term.expect(CUSTOM_QUESTION)
    term.send(ENTER)  # empty: back
    term.answer(WEIGHTS_QUESTION, CUSTOM + 1)  # "back" from the list keeps the proposal
    term.answer(ACTION_QUESTION, SKIP)
    assert term.finish() == 1
    assert _snapshot(picodet) == before


def test_a_refused_path_is_explained_right_below_the_prompt(picodet: Path,
                                                           terminal: type[Terminal]) -> None:
    term = terminal(picodet)
    term.answer(ACTION_QUESTION, CHOOSE)
    term.answer(WEIGHTS_QUESTION, CUSTOM)
    term.type(CUSTOM_QUESTION, "output/y/model_final")
    term.expect("output/y/model_final.pdparams does not exist")
    # printed on the line after the answer, then the question again: not in a toolbar at the
    # bottom of the screen (no cursor jump down to row 50 before it)
    message = term.output.index("  output/y/model_final.pdparams does not exist")
    between = term.output[term.output.rindex("output/y/model_final", 0, message):message]
    assert "\x1b[50;" not in between and "\x1b[49;" not in between
    assert between.count("\n") == 1
    term.expect(CUSTOM_QUESTION)
    term.send(ESC)
    term.answer(WEIGHTS_QUESTION, CUSTOM + 1)
    term.answer(ACTION_QUESTION, SKIP)
    assert term.finish() == 1
