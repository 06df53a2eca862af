"""The terminal questions, with questionary (imported here only, when a review runs).

Ctrl-C (and Ctrl-D) at any question raise KeyboardInterrupt, so nothing is written and the CLI
exits with 130.
"""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


def _ask(question: object) -> object:
    try:
        return question.unsafe_ask()  # type: ignore[attr-defined]
    except EOFError:
        raise KeyboardInterrupt from None


def select(message: str, entries: Sequence[tuple[str, T]]) -> T:
    """The value of the entry the user picks with the arrow keys and Enter."""
    import questionary

    choices = [questionary.Choice(label, value=index) for index, (label, _) in enumerate(entries)]
    answer = _ask(questionary.select(message, choices=choices, use_jk_keys=False))
    if not isinstance(answer, int):
        raise KeyboardInterrupt
    return entries[answer][1]


def text(message: str, problem: Callable[[str], str | None]) -> str:
    """A line of text; `problem` says why an answer is refused (shown, and asked again)."""
    import questionary

    def validate(value: str) -> bool | str:
        reason = problem(value)
        return True if reason is None else reason

    answer = _ask(questionary.text(message, validate=validate))
    if not isinstance(answer, str):
        raise KeyboardInterrupt
    return answer
