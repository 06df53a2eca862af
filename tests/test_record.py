"""`@record` behaves as `@dataclass(frozen=True)` does, method for method."""
from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from qatfix.record import record


def _pair(body: dict[str, Any]) -> tuple[type, type]:
    """The same class body made a record and a frozen dataclass."""
    annotations = body.pop("__annotations__")
    made = []
    for decorate in (record, dataclass(frozen=True)):
        namespace = dict(body, __annotations__=dict(annotations), __module__=__name__)
        made.append(decorate(type("Point", (), namespace)))
    return made[0], made[1]


FIELDS = {
    "__annotations__": {"x": "int", "y": "int", "note": "str", "cache": "Any", "secret": "str"},
    "note": "",
    "cache": field(default=None, compare=False),
    "secret": field(default="s", repr=False),
}


@pytest.mark.parametrize("args", [(1, 2), (1, 2, "n"), (1, 2, "n", [1]), (0, 0, "", None, "t")])
def test_eq_hash_and_repr_match_dataclass(args: tuple[Any, ...]) -> None:
    ours, theirs = _pair(dict(FIELDS))
    a, b = ours(*args), theirs(*args)
    assert repr(a) == repr(b)
    if not isinstance(a.cache, list):
        assert hash(a) == hash(b)
    assert a == ours(*args) and not (a != ours(*args))
    assert a != ours(args[0] + 1, *args[1:])
    assert (a == b) is False  # another class, as with dataclasses


def test_fields_excluded_from_compare_are_ignored() -> None:
    ours, _ = _pair(dict(FIELDS))
    assert ours(1, 2, cache="a") == ours(1, 2, cache="b")
    assert hash(ours(1, 2, cache="a")) == hash(ours(1, 2, cache="b"))


def test_frozen_and_the_dataclass_api() -> None:
    ours, _ = _pair(dict(FIELDS))
    point = ours(1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del point.y
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "note", "cache", "secret"]
    assert dataclasses.replace(point, x=5) == ours(5, 2)
    assert dataclasses.asdict(point)["secret"] == "s"
    assert point.__match_args__ == ("x", "y", "note", "cache", "secret")


def test_own_methods_win_and_eq_without_hash_still_hashes() -> None:
    @record
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Named) and other.name.lower() == self.name.lower()

    @dataclass(frozen=True)
    class Reference:
        name: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Reference) and other.name.lower() == self.name.lower()

    assert repr(Named("a")) == "<a>"
    assert Named("A") == Named("a")
    assert hash(Named("a")) == hash(Reference("a"))  # dataclass adds a field hash here too


def test_a_record_that_contains_itself_prints() -> None:
    @record
    class Box:
        items: list[Any]

    box = Box([])
    box.items.append(box)
    assert repr(box).endswith("Box(items=[...])")


def test_records_pickle() -> None:
    assert pickle.loads(pickle.dumps(Pickled(1, "a"))) == Pickled(1, "a")


@record
class Pickled:
    number: int
    text: str


def test_init_matches_dataclass_for_defaults_factories_and_keyword_only_fields() -> None:
    body = {
        "__annotations__": {"x": "int", "tags": "list[str]", "hidden": "int", "scale": "float"},
        "tags": field(default_factory=list),
        "hidden": field(default=7, init=False),
        "scale": field(default=1.0, kw_only=True),
    }
    ours, theirs = _pair(dict(body))
    for args, kwargs in (((1,), {}), ((1, ["a"]), {"scale": 2.0}), ((), {"x": 3})):
        a, b = ours(*args, **kwargs), theirs(*args, **kwargs)
        assert repr(a) == repr(b) and a.hidden == b.hidden == 7
    assert ours(1).tags is not ours(1).tags  # a new list for each instance
    for bad in (lambda cls: cls(), lambda cls: cls(1, [], 2.0), lambda cls: cls(1, y=2)):
        with pytest.raises(TypeError):
            bad(theirs)
        with pytest.raises(TypeError):
            bad(ours)


def test_post_init_runs_and_subclasses_get_their_own_init() -> None:
    @record
    class Base:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    @record
    class Child(Base):
        y: int = 0

    with pytest.raises(ValueError):
        Base(-1)
    assert Child(1, 2) == Child(1, 2) and Child(1).y == 0 and Base(1).x == 1
    with pytest.raises(ValueError):
        Child(-1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Child(1).other = 2  # type: ignore[attr-defined]


def test_a_positional_field_after_a_default_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="non-default argument 'y'"):
        @record
        class Wrong:
            x: int = 0
            y: int  # type: ignore[misc]
