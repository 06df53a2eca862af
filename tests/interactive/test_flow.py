"""The review's decisions, without any terminal: which fixes each sequence of answers chooses."""
from __future__ import annotations

import pytest

from qatfix.findings import Finding, Fix, Location, TextEdit
from qatfix.interactive.flow import Choose, Item, Review, step


def _fix(name: str, safety: str = "safe") -> Fix:
    edit = TextEdit("a.yml", 1, 1, "x: 1\n", f"x: {name}\n")
    return Fix(f"set {name}", safety, (edit,), value=name)  # type: ignore[arg-type]


def _item(code: str, *fixes: Fix, custom: bool = False) -> Item:
    finding = Finding(code, "warning", f"{code} message", Location("a.yml", 1, 1),
                      fix=fixes[0] if fixes else None, alternatives=fixes[1:])
    return Item(finding, fixes, custom=custom)


SAFE_A, SAFE_B, UNSAFE_C, ALT = _fix("a"), _fix("b"), _fix("c", "unsafe"), _fix("alt", "unsafe")
ITEMS = (_item("QF101", SAFE_A, ALT), _item("QF401", SAFE_B), _item("QF402", UNSAFE_C))


def _run(items: tuple[Item, ...], *actions: object) -> Review:
    review = Review.start(items)
    for action in actions:
        review = step(review, action)  # type: ignore[arg-type]
    return review


def _chosen(review: Review) -> list[tuple[str, str]]:
    return [(finding.code, fix.value or "") for finding, fix in review.chosen]


def test_starts_at_the_first_item_with_its_proposed_fix() -> None:
    review = Review.start(ITEMS)
    assert review.current is ITEMS[0]
    assert review.proposal == SAFE_A
    assert not review.done


def test_apply_and_skip_decide_each_item_in_turn() -> None:
    review = _run(ITEMS, "apply", "skip", "apply")
    assert review.done
    assert _chosen(review) == [("QF101", "a"), ("QF402", "c")]
    assert [d.outcome for d in review.decisions] == ["applied", "skipped", "applied"]


def test_skipping_everything_chooses_nothing() -> None:
    assert _run(ITEMS, "skip", "skip", "skip").chosen == ()


def test_choosing_an_alternative_replaces_the_proposal_of_the_same_item() -> None:
    review = _run(ITEMS, Choose(ALT))
    assert review.current is ITEMS[0]
    assert review.proposal == ALT
    review = step(review, "apply")
    assert review.proposal == SAFE_B  # the next item starts from its own proposal
    assert _chosen(_run(ITEMS, Choose(ALT), "apply", "skip", "skip")) == [("QF101", "alt")]


def test_all_applies_the_following_safe_fixes_and_still_asks_about_unsafe_ones() -> None:
    review = _run(ITEMS, "all")
    assert review.current is ITEMS[2]  # QF402's fix is unsafe: asked
    assert _chosen(review) == [("QF101", "a"), ("QF401", "b")]
    assert [d.outcome for d in review.decisions] == ["applied", "applied-with-rest"]
    review = step(review, "skip")
    assert review.done
    assert _chosen(review) == [("QF101", "a"), ("QF401", "b")]


def test_all_keeps_going_after_an_unsafe_item_is_answered() -> None:
    items = (_item("QF101", SAFE_A), _item("QF103", UNSAFE_C), _item("QF401", SAFE_B))
    review = _run(items, "all", "apply")
    assert review.done
    assert _chosen(review) == [("QF101", "a"), ("QF103", "c"), ("QF401", "b")]


def test_all_stops_at_an_item_without_a_proposal() -> None:
    items = (_item("QF101", SAFE_A), _item("QF104", custom=True), _item("QF401", SAFE_B))
    review = _run(items, "all")
    assert review.current is items[1]
    assert review.proposal is None
    review = step(review, Choose(ALT))
    review = step(review, "apply")
    assert _chosen(review) == [("QF101", "a"), ("QF104", "alt"), ("QF401", "b")]


def test_quit_keeps_what_was_chosen_and_decides_nothing_more() -> None:
    review = _run(ITEMS, "apply", "quit")
    assert review.done
    assert _chosen(review) == [("QF101", "a")]
    assert [d.outcome for d in review.decisions] == ["applied", "not-reviewed", "not-reviewed"]


def test_quit_at_once_chooses_nothing() -> None:
    assert _run(ITEMS, "quit").chosen == ()


def test_no_items_is_a_finished_review() -> None:
    review = Review.start(())
    assert review.done
    assert review.chosen == ()


def test_cannot_apply_without_a_proposal_or_act_after_the_end() -> None:
    with pytest.raises(ValueError):
        step(Review.start((_item("QF104", custom=True),)), "apply")
    with pytest.raises(ValueError):
        step(_run(ITEMS, "quit"), "skip")
