"""`@record`: a frozen dataclass that is cheaper to define.

On Python 3.11, `@dataclass(frozen=True)` compiles six generated methods per class with `exec`,
about 0.4 ms a class; a cold `qatfix check` defines some eighty record classes and builds
instances of a few of them. A record is still a dataclass (`fields`, `replace`, `asdict`,
`is_dataclass`, `__match_args__`) and frozen as a frozen dataclass is (`FrozenInstanceError` on
assignment or deletion), but `dataclasses` generates none of its methods:
- `__eq__`, `__hash__`, `__repr__`, `__setattr__` and `__delattr__` are shared functions that
  follow each field's `compare`, `hash` and `repr` flags as the generated ones would;
- `__init__` is compiled, from the same source dataclasses would write, when the first instance
  is made: most record classes a run defines are never instantiated in it.
Defining a record costs no `exec`; comparing or hashing one costs about 0.1 µs more than a
dataclass, printing one about 0.5 µs. (To `dataclasses` the class is not frozen: a frozen
`@dataclass` cannot subclass a record.)
"""
from __future__ import annotations

import _thread
import dataclasses
from operator import attrgetter
from typing import Any, Callable, TypeVar, cast, dataclass_transform

T = TypeVar("T")

_repr_running: set[tuple[int, int]] = set()


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)  # a tuple for two names or more


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__class__.__record_compare__
    return key(self) == key(other)


def _hash(self: Any) -> int:
    return hash(self.__class__.__record_hash__(self))


def _repr(self: Any) -> str:
    # guards against a record that contains itself, as dataclass's generated __repr__ does
    guard = (id(self), _thread.get_ident())
    if guard in _repr_running:
        return "..."
    _repr_running.add(guard)
    try:
        names = self.__class__.__record_repr__
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"
    finally:
        _repr_running.discard(guard)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    cls = type(self)
    if "__record_fields__" in cls.__dict__ or name in cls.__record_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    cls = type(self)
    if "__record_fields__" in cls.__dict__ or name in cls.__record_fields__:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _init_source(fields: tuple[dataclasses.Field[Any], ...], post_init: bool
                 ) -> tuple[str, dict[str, Any]]:
    """The source of a frozen dataclass's `__init__` for `fields`, and the names it uses."""
    names: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params, body = ["self"], []
    keyword_only = False
    # as in dataclasses: keyword-only fields come after the positional ones
    for f in sorted(fields, key=lambda f: bool(f.kw_only and f.init)):
        default = f"_default_{f.name}"
        factory = f"_factory_{f.name}"
        has_factory = f.default_factory is not dataclasses.MISSING
        if has_factory:
            names[factory] = f.default_factory
        elif f.default is not dataclasses.MISSING:
            names[default] = f.default
        if not f.init:
            if has_factory:
                body.append(f"_set(self, {f.name!r}, {factory}())")
            elif f.default is not dataclasses.MISSING:
                body.append(f"_set(self, {f.name!r}, {default})")
            continue
        if f.kw_only and not keyword_only:
            params.append("*")
            keyword_only = True
        if has_factory:
            params.append(f"{f.name}=_FACTORY")
            body.append(f"_set(self, {f.name!r}, {factory}() if {f.name} is _FACTORY "
                        f"else {f.name})")
            continue
        params.append(f"{f.name}={default}" if f.default is not dataclasses.MISSING
                      else f.name)
        body.append(f"_set(self, {f.name!r}, {f.name})")
    if post_init:
        body.append("self.__post_init__()")
    lines = "\n".join(f"  {line}" for line in body or ["pass"])
    return f"def __init__({', '.join(params)}) -> None:\n{lines}\n", names


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """Stands for a record's `__init__` until the first instance: compiles the real one then
    (most record classes a run defines are never instantiated in it)."""
    owner = next(c for c in type(self).__mro__ if c.__dict__.get("__init__") is _first_init)
    source, names = _init_source(dataclasses.fields(owner), hasattr(owner, "__post_init__"))
    names["__name__"] = owner.__module__
    exec(source, names)  # noqa: S102 - generated from field names, as dataclasses does
    init = names["__init__"]
    init.__qualname__ = f"{owner.__qualname__}.__init__"
    setattr(owner, "__init__", init)
    init(self, *args, **kwargs)


def _check_defaults(name: str, fields: tuple[dataclasses.Field[Any], ...]) -> None:
    """dataclasses' check, at definition: no positional field without a default after one
    with a default."""
    seen_default = False
    for f in fields:
        if not f.init or f.kw_only:
            continue
        has_default = (f.default is not dataclasses.MISSING
                       or f.default_factory is not dataclasses.MISSING)
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        seen_default = seen_default or has_default


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T]) -> type[T]:
    """Make `cls` a frozen dataclass (see the module docstring)."""
    own = cls.__dict__
    for name, method in (("__eq__", _eq), ("__repr__", _repr)):
        if name not in own:
            setattr(cls, name, method)
    # as dataclass decides: a class body that defines __eq__ gets __hash__ = None from Python,
    # which does not count as defining __hash__
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        cls.__hash__ = _hash  # type: ignore[method-assign]
    wants_init = "__init__" not in own
    # dataclasses generates nothing with these flags (no exec): the frozen methods are shared
    # and `__init__` is compiled on first use
    made: Any = dataclasses.dataclass(init=False, eq=False, repr=False)(cls)
    fields = dataclasses.fields(made)
    names = tuple(f.name for f in fields)
    made.__record_fields__ = frozenset(names)
    _check_defaults(cls.__qualname__, fields)
    made.__setattr__ = _frozen_setattr
    made.__delattr__ = _frozen_delattr
    if wants_init:
        made.__init__ = _first_init
    made.__record_compare__ = _values(tuple(f.name for f in fields if f.compare))
    made.__record_hash__ = _values(tuple(
        f.name for f in fields if (f.compare if f.hash is None else f.hash)))
    made.__record_repr__ = tuple(f.name for f in fields if f.repr)
    return cast("type[T]", made)
