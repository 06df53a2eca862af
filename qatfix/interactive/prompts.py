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


def text(message: str, problem: Callable[[str], str | None]) -> str | None:
    """A line of text, or None to go back (an empty answer, or Esc at once). An answer that
    `problem` refuses is explained on the line below the prompt, and asked again."""
    import questionary  # the terminal boundary: only a review in a terminal asks
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings  # questionary's

    while True:
        question = questionary.text(f"{message} (empty or Esc: back)")
        bindings = KeyBindings()
        # eager: Esc answers at once instead of waiting to prefix the next key (Alt+key)
        bindings.add("escape", eager=True)(_back)
        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings, bindings])  # type: ignore[list-item]
        answer = _ask(question)
        if answer is _BACK or answer is None or (isinstance(answer, str) and not answer.strip()):
            return None
        if not isinstance(answer, str):
            raise KeyboardInterrupt
        reason = problem(answer)
        if reason is None:
            return answer
        print(f"  {reason}", flush=True)


#: what Esc answers a text question with
_BACK = object()


def _back(event: object) -> None:
    getattr(event, "app").exit(result=_BACK)
