"""`Change`'s constructors make the typed edit of each kind, with its fields."""
from __future__ import annotations

from qatfix.rules.base import Change, CreateFile, DeleteKey, RenameKey, SetBase, SetKey


def test_each_constructor_makes_its_kind() -> None:
    assert Change.set(("a", "b"), 1, path="p.yml", stale_comment=True) == \
        SetKey(("a", "b"), 1, path="p.yml", stale_comment=True)
    assert Change.delete(("a",), path="p.yml", occurrence=0) == \
        DeleteKey(("a",), path="p.yml", occurrence=0)
    assert Change.base(2, "../x.yml", path="p.yml") == SetBase(2, "../x.yml", path="p.yml")
    assert Change.rename(("weights",), "pretrain_weights") == \
        RenameKey(("weights",), "pretrain_weights")
    assert Change.create("new.yml", "slim: QAT\n") == CreateFile("new.yml", "slim: QAT\n")


def test_kinds_are_distinct_records() -> None:
    assert Change.set(("a",), 1) != Change.rename(("a",), "1")
    assert isinstance(Change.delete(("a",)), Change)
    assert Change.set(("a",), 1).path == "" and Change.base(0, "b.yml", path="p.yml").path == "p.yml"
