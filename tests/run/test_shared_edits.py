"""When another run counts as worse after a fix: fewer tensors load, or a new problem."""
from __future__ import annotations

from pathlib import Path

from qatfix.run.shared_edits import PendingRun, RunState, SharedEdits, run_label, worse


def state(*problems: tuple[str, str], loads: tuple[tuple[int, int] | None, ...] = ()) -> RunState:
    return RunState(frozenset(problems), loads)


def test_fewer_tensors_loading_is_worse_and_says_the_figure() -> None:
    assert worse(state(loads=((580, 580),)), state(("QF101", "/t/s.yml"), loads=((140, 580),))) \
        == "140 of 580 state-dict tensors would load instead of 580 of 580"


def test_a_figure_that_can_no_longer_be_told_is_worse() -> None:
    assert worse(state(loads=((580, 580),)), state(loads=(None,))).startswith(
        "an unknown number state-dict tensors would load")


def test_more_tensors_loading_with_the_same_problem_is_not_worse() -> None:
    before = state(("QF101", "/t/s.yml"), loads=((140, 580),))
    assert worse(before, state(("QF101", "/t/s.yml"), loads=((500, 580),))) == ""


def test_a_new_error_or_warning_is_worse() -> None:
    assert worse(state(loads=((463, 463),)), state(("QF201", "/t/s.yml"), loads=((463, 463),))) \
        == "it would get QF201 in /t/s.yml"


def test_a_problem_that_goes_away_is_not_worse() -> None:
    assert worse(state(("QF401", "/t/m.yml")), state()) == ""


def test_run_labels_are_command_lines() -> None:
    assert run_label(("/t/m.yml", None)) == "-c /t/m.yml"
    assert run_label(("/t/m.yml", "/t/s.yml")) == "-c /t/m.yml --slim_config /t/s.yml"


def _tree_with_an_outside_base(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A checkout whose second model config takes a base from outside it, both trained with
    one slim config."""
    outside = tmp_path / "outside.yml"
    outside.write_text("num_classes: 3\n")
    root = tmp_path / "checkout"
    (root / "configs" / "slim").mkdir(parents=True)
    (root / "configs" / "m1.yml").write_text("architecture: YOLOv3\nnum_classes: 80\n")
    (root / "configs" / "m2.yml").write_text(
        "_BASE_: ['../../outside.yml']\narchitecture: YOLOv3\n")
    slim = root / "configs" / "slim" / "q.yml"
    slim.write_text("slim: QAT\nQAT:\n  quant_config: {}\n")
    return root, slim, outside


def test_a_judged_run_never_reads_outside_the_review_root(tmp_path: Path) -> None:
    root, slim, outside = _tree_with_an_outside_base(tmp_path)
    other = str(root / "configs" / "m2.yml")
    # outside review mode the base is read like ppdet reads it
    assert ("QF000", other) not in PendingRun(other, str(slim), {}).problems
    # in review mode the run that would need it is refused, not read
    refused = PendingRun(other, str(slim), {}, str(root))
    assert refused.loads == ()
    assert {code for code, _ in refused.problems} == {"QF000"}
    # the scan's runs that read the slim config are found, the refused one among them
    judge = SharedEdits([(str(root / "configs" / "m1.yml"), str(slim)), (other, str(slim))],
                        root=str(root))
    assert set(judge.readers(str(slim))) == {(str(root / "configs" / "m1.yml"), str(slim)),
                                              (other, str(slim))}
    assert outside.read_text() == "num_classes: 3\n"
