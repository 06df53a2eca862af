"""`Change`'s named constructors build the same records as the plain constructor."""
from __future__ import annotations

from qatfix.rules.base import Change


def test_named_constructors_equal_the_plain_ones() -> None:
    assert Change.set(("a", "b"), 1, path="p.yml", stale_comment=True) == \
        Change.set(("a", "b"), 1, path="p.yml", stale_comment=True)
    assert Change.delete(("a",), path="p.yml", occurrence=0) == \
        Change.delete(("a",), path="p.yml", occurrence=0)
    assert Change.base(2, "../x.yml", path="p.yml") == \
        Change("base", (), "../x.yml", path="p.yml", index=2)
    assert Change.rename(("weights",), "pretrain_weights") == \
        Change.rename(("weights",), "pretrain_weights")
    assert Change.create("new.yml", "slim: QAT\n") == \
        Change("create", (), "slim: QAT\n", path="new.yml")
