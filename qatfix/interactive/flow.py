"""The review as a state machine: findings in, the user's decisions in, the chosen fixes out.

No prompts and no files here, so every path through a review can be tested directly. As in
`git add -p`, each finding is decided in turn: apply its proposed fix, skip it, apply it and all
remaining ones, quit (keep what was chosen so far, decide nothing more), or choose another fix,
which becomes the proposal for the same finding. "All remaining" applies only safe fixes on its
own: a finding whose proposal is unsafe (or which has none) is still asked about.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Union

from qatfix.findings import Finding, Fix

Outcome = Literal["applied", "applied-with-rest", "skipped", "not-reviewed"]


@dataclass(frozen=True)
class Item:
    """A finding to review and the fixes it can take, the proposed one first."""

    finding: Finding
    choices: tuple[Fix, ...]
    #: whether the user may type weights of their own (a path or URL) for this finding
    custom: bool = False

    @property
    def default(self) -> Fix | None:
        return self.choices[0] if self.choices else None


@dataclass(frozen=True)
class Choose:
    """Make `fix` the proposal for the current finding (an alternative or the user's own)."""

    fix: Fix


#: "apply" the proposal, "skip" it, "all": apply it and the remaining safe ones, "quit"
Action = Union[Literal["apply", "skip", "all", "quit"], Choose]


@dataclass(frozen=True)
class Decision:
    """What the user chose for one finding."""

    finding: Finding
    fix: Fix | None
    outcome: Outcome


@dataclass(frozen=True)
class Review:
    """Where an interactive review stands: the items, the current one, the choices so far."""

    items: tuple[Item, ...]
    position: int = 0
    #: the fix that "apply" would apply to the current item
    proposal: Fix | None = None
    decisions: tuple[Decision, ...] = ()
    apply_rest: bool = False

    @classmethod
    def start(cls, items: tuple[Item, ...]) -> "Review":
        return _settle(cls(items, 0, items[0].default if items else None))

    @property
    def current(self) -> Item | None:
        """The item waiting for a decision, or None when the review is over."""
        return self.items[self.position] if self.position < len(self.items) else None

    @property
    def done(self) -> bool:
        return self.current is None

    @property
    def chosen(self) -> tuple[tuple[Finding, Fix], ...]:
        """(finding, fix) for every fix to write, in review order."""
        return tuple((d.finding, d.fix) for d in self.decisions
                     if d.fix is not None and d.outcome in ("applied", "applied-with-rest"))


def _decide(review: Review, fix: Fix | None, outcome: Outcome) -> Review:
    item = review.items[review.position]
    return replace(review, decisions=review.decisions + (Decision(item.finding, fix, outcome),))


def _advance(review: Review) -> Review:
    return _settle(_next(review))


def _next(review: Review) -> Review:
    position = review.position + 1
    proposal = review.items[position].default if position < len(review.items) else None
    return replace(review, position=position, proposal=proposal)


def _settle(review: Review) -> Review:
    """After "all": apply every following safe proposal until one needs the user."""
    while review.apply_rest and review.current is not None and review.proposal is not None \
            and review.proposal.safety == "safe":
        review = _next(_decide(review, review.proposal, "applied-with-rest"))
    return review


def step(review: Review, action: Action) -> Review:
    """The review after the user's `action` on the current item."""
    if review.current is None:
        raise ValueError("the review is over")
    if isinstance(action, Choose):
        return replace(review, proposal=action.fix)
    if action == "skip":
        return _advance(_decide(review, None, "skipped"))
    if action == "quit":
        rest = tuple(Decision(item.finding, None, "not-reviewed")
                     for item in review.items[review.position:])
        return replace(review, position=len(review.items), proposal=None,
                       decisions=review.decisions + rest)
    if action in ("apply", "all"):
        if review.proposal is None:
            raise ValueError("there is no fix to apply; choose one first")
        if action == "all":
            review = replace(review, apply_rest=True)
        return _advance(_decide(review, review.proposal, "applied"))
    raise ValueError(f"unknown action {action!r}")
