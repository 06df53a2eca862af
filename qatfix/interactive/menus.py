"""The questions of a review, as plain (label, value) lists: what the prompts show, decided here.

Keeping the menus out of the prompt layer lets tests check exactly what a user is offered.
"""
from __future__ import annotations

from typing import Callable, Literal, Union

from qatfix.findings import Fix
from qatfix.interactive.flow import Item

ACTION_QUESTION = "Apply this fix?"
NO_FIX_QUESTION = "No fix is proposed. What now?"
CHOICE_QUESTION = "Which fix?"
WEIGHTS_QUESTION = "Which weights?"
CUSTOM_QUESTION = "Path or URL of the weights:"

#: what the action menu answers: a flow action, "choose" to open the list of other fixes, or
#: "help" to show what the keys do
MenuAction = Literal["apply", "skip", "all", "quit", "choose", "help"]

#: single keys of the action menu, as in `git add -p`
ACTION_KEYS: dict[str, MenuAction] = {"y": "apply", "n": "skip", "a": "all", "c": "choose",
                                      "q": "quit", "?": "help"}
KEY_HELP = {
    "y": "apply this fix",
    "n": "skip this finding",
    "a": "apply this fix and all remaining safe ones (unsafe fixes are still asked)",
    "c": "choose other weights (or another fix)",
    "q": "quit: write only what was chosen so far",
    "?": "print this help",
}
#: answers to a choice that would create a new problem
APPLY_ANYWAY, PICK_ANOTHER = "apply-anyway", "pick-another"
PROBLEM_QUESTION = "Apply it anyway?"
#: what the choice menu answers: a fix, "custom" (type one) or "back"
MenuChoice = Union[Fix, Literal["custom", "back"]]

Entry = tuple[str, MenuAction]


def has_other_choices(item: Item, proposal: Fix | None) -> bool:
    return item.custom or any(fix != proposal for fix in item.choices)


def action_keys(entries: list[Entry]) -> dict[str, MenuAction]:
    """The single keys that answer this action menu (`?` always)."""
    offered = {value for _, value in entries}
    return {key: value for key, value in ACTION_KEYS.items() if value in offered or key == "?"}


def key_hint(entries: list[Entry]) -> str:
    return "[" + ",".join(action_keys(entries)) + "]"


def help_lines(entries: list[Entry]) -> list[str]:
    return [f"{key} - {KEY_HELP[key]}" for key in action_keys(entries)] + [
        "arrow keys and Enter work too"]


def action_menu(item: Item, proposal: Fix | None) -> tuple[str, list[Entry]]:
    """The question for the current finding and its answers, the usual one first."""
    what = "weights" if item.custom else "fix"
    others = sum(1 for fix in item.choices if fix != proposal)
    more = f" ({others} more)" if others else ""
    choose: list[Entry] = []
    if has_other_choices(item, proposal):
        choose = [(f"c  choose other {what}{more}...", "choose")]
    quit_entry: Entry = ("q  quit: write only what was chosen so far", "quit")
    if proposal is None:
        entries = [*choose, ("n  skip", "skip"), quit_entry]
        return f"{NO_FIX_QUESTION} {key_hint(entries)}", entries
    entries = [
        (f"y  apply ({proposal.safety})", "apply"),
        ("n  skip", "skip"),
        ("a  apply this and all remaining (unsafe fixes are still asked)", "all"),
        *choose,
        quit_entry,
    ]
    return f"{ACTION_QUESTION} {key_hint(entries)}", entries


def problem_menu(reason: str) -> tuple[str, list[tuple[str, str]]]:
    """What to do with a chosen fix that re-checking rejects."""
    return PROBLEM_QUESTION, [(f"apply anyway ({reason})", APPLY_ANYWAY),
                              ("pick another", PICK_ANOTHER)]


def choice_menu(item: Item, proposal: Fix | None, label: Callable[[Fix], str]
                ) -> tuple[str, list[tuple[str, MenuChoice]]]:
    """The fixes a finding can take, the current proposal marked, then typing one's own."""
    entries: list[tuple[str, MenuChoice]] = []
    for fix in item.choices:
        marks = [fix.safety] + (["proposed"] if fix == item.default else []) \
            + (["current"] if fix == proposal and fix != item.default else [])
        entries.append((f"{label(fix)} [{', '.join(marks)}]", fix))
    if item.custom:
        entries.append(("enter a path or URL...", "custom"))
    entries.append(("back", "back"))
    return (WEIGHTS_QUESTION if item.custom else CHOICE_QUESTION), entries
