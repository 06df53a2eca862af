"""When another run counts as worse after a fix: fewer tensors load, or a new problem."""
from __future__ import annotations

from qatfix.run.shared_edits import RunState, run_label, worse


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
