"""The terminal questions, with questionary (imported here only, when a review runs).

Ctrl-C (and Ctrl-D) at any question raise KeyboardInterrupt, so nothing is written and the CLI
exits with 130.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence, TypeVar

T = TypeVar("T")


def _ask(question: Any) -> object:
    try:
        return question.unsafe_ask()
    except EOFError:
        raise KeyboardInterrupt from None


def select(message: str, entries: Sequence[tuple[str, T]],
           keys: Mapping[str, T] | None = None) -> T:
    """The value of the entry the user picks with the arrow keys and Enter, or at once with
    one of `keys` (a single key press answers with its value, as in `git add -p`)."""
    import questionary  # the terminal boundary: only a review in a terminal asks

    choices = [questionary.Choice(label, value=index) for index, (label, _) in enumerate(entries)]
    question = questionary.select(message, choices=choices, use_jk_keys=False)
    values: list[T] = [value for _, value in entries]
    if keys:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings  # questionary's

        bindings = KeyBindings()
        for key, value in keys.items():
            values.append(value)
            bindings.add(key, eager=True)(_answer_with(len(values) - 1))
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, bindings])  # type: ignore[list-item]
    answer = _ask(question)
    if not isinstance(answer, int):
        raise KeyboardInterrupt
    return values[answer]


def _answer_with(index: int) -> Callable[[object], None]:
    def handler(event: object) -> None:
        getattr(event, "app").exit(result=index)

    return handler


def text(message: str, problem: Callable[[str], str | None]) -> str:
    """A line of text; `problem` says why an answer is refused (shown, and asked again)."""
    import questionary  # the terminal boundary: only a review in a terminal asks

    def validate(value: str) -> bool | str:
        reason = problem(value)
        return True if reason is None else reason

    answer = _ask(questionary.text(message, validate=validate))
    if not isinstance(answer, str):
        raise KeyboardInterrupt
    return answer
