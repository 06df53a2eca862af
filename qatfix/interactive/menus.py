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

#: what the action menu answers: a flow action, or "choose" to open the list of other fixes
MenuAction = Literal["apply", "skip", "all", "quit", "choose"]
#: what the choice menu answers: a fix, "custom" (type one) or "back"
MenuChoice = Union[Fix, Literal["custom", "back"]]

Entry = tuple[str, MenuAction]


def has_other_choices(item: Item, proposal: Fix | None) -> bool:
    return item.custom or any(fix != proposal for fix in item.choices)


def action_menu(item: Item, proposal: Fix | None) -> tuple[str, list[Entry]]:
    """The question for the current finding and its answers, the usual one first."""
    what = "weights" if item.custom else "fix"
    others = sum(1 for fix in item.choices if fix != proposal)
    more = f" ({others} more)" if others else ""
    choose: list[Entry] = []
    if has_other_choices(item, proposal):
        choose = [(f"choose other {what}{more}...", "choose")]
    quit_entry: Entry = ("quit: write only what was chosen so far", "quit")
    if proposal is None:
        return NO_FIX_QUESTION, [*choose, ("skip", "skip"), quit_entry]
    return ACTION_QUESTION, [
        (f"apply ({proposal.safety})", "apply"),
        ("skip", "skip"),
        ("apply this and all remaining (unsafe fixes are still asked)", "all"),
        *choose,
        quit_entry,
    ]


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
