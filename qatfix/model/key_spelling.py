"""Keys ppdet never reads, one edit away from a key it does: misspellings.

ppdet reads the global config by name: a top-level key nothing reads (`pretrain_weight:`) is
kept and ignored, and a component's section passes its keys to the constructor, where a key it
does not take is swallowed by `**kwargs` (`TrainReader: {batchsize: 48}`) or stops the build with
TypeError. The same holds at any depth where the class that receives a mapping is known:

- a component's section (a top-level key naming a registered component);
- a mapping with `name:` under a component's parameter: `create` injects it, setting its other
  keys on the component it names (`conv_feat: {name: PicoFeat, feat_in: 96}`), recursively;
- a tagged mapping, constructed by the class its tag names (`!COCODataSet {anno_path: ...}`,
  `schedulers: [!PiecewiseDecay {...}]`), at any depth;
- an item of a list inside a reader's section (a component taking `sample_transforms`):
  `{Resize: {target_size: ...}}` constructs the transform operator it names, at any depth
  (`RandomSelect`'s own lists).

Every other mapping is free-form (passed as a value) and not judged. The keys ppdet knows are facts learned from the trees and ppdet's source
(`qatfix.registry.config_keys`); a key is also known when another file of the run defines it
too (a base of the user's own), or, at the top level, when a value of the config names it (a
component of the user's own, injected by name).

One edit is one character inserted, deleted or replaced, or two neighbours swapped
(`pretrain_weigts`, `batchsize`, `pretrian_weights`).
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping, NamedTuple, Optional

from qatfix.config.nodes import KeyPath, Origin, Tagged, origin_of

#: shorter keys are too often one edit from another on purpose (`lr`, `l2`)
MIN_LENGTH = 4


class Misspelling(NamedTuple):
    """A key no base defines and ppdet never reads, and the known key it is one edit from."""

    key_path: KeyPath
    meant: str
    origin: Optional[Origin]
    #: for a key of a component's section: whether its constructor swallows unknown keys
    #: (`**kwargs`); None at the top level
    swallowed: Optional[bool] = None
    #: the class whose constructor receives the key (the section's component, the injected
    #: component, the tag's class, the transform operator); None at the top level
    component: Optional[str] = None

    @property
    def meant_path(self) -> KeyPath:
        return (*self.key_path[:-1], self.meant)


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one character inserted, deleted, replaced, or two neighbours
    swapped (and not `a` itself)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def _inner(value: Any) -> Any:
    return value.value if isinstance(value, Tagged) else value


def _names_used(value: Any, found: set[str]) -> set[str]:
    """Every string value in the config (components are injected by name)."""
    value = _inner(value)
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _names_used(item, found)
    elif isinstance(value, list):
        for item in value:
            _names_used(item, found)
    return found


def _folded(key: str) -> str:
    return key.lower().replace("_", "")


def near(key: str, known: str) -> bool:
    """`key` is `known` misspelt: one edit apart, or equal but for case and underscores
    (`batchSize`)."""
    return one_edit_apart(key, known) or (key != known and _folded(key) == _folded(known))


def _closest(key: str, candidates: Any) -> Optional[str]:
    close = sorted(c for c in candidates if isinstance(c, str) and near(key, c))
    return close[0] if close else None


def meant_path(data: Any, key_path: KeyPath, top: Any, sections: Mapping[str, Any]
               ) -> Optional[KeyPath]:
    """The known key path a key path the config `data` does not define yet most likely
    misspells (for `qatfix set`): the first part not defined is judged as `misspellings`
    judges it; below a component's section, against the keys defined beside it."""
    container: Any = data
    for depth, key in enumerate(key_path):
        inner = _inner(container)
        if isinstance(inner, dict) and key in inner:
            container = inner[key]
            continue
        if not isinstance(key, str) or len(key) < MIN_LENGTH:
            return None
        siblings = [k for k in inner if isinstance(k, str)] if isinstance(inner, dict) else []
        if depth == 0:
            used = _names_used(data, set())
            if key in top or key in used:
                return None
            meant = _closest(key, [k for k in siblings if k in top or k in used]) \
                or _closest(key, top)
        elif depth == 1 and key_path[0] in sections:
            known = sections[str(key_path[0])]
            if key in known:
                return None
            meant = _closest(key, [k for k in siblings if k in known]) or _closest(key, known)
        else:
            meant = _closest(key, siblings)
        return None if meant is None else (*key_path[:depth], meant, *key_path[depth + 1:])
    return None


def _defined_elsewhere(origin: Optional[Origin]) -> bool:
    """The key's value replaced another file's (or another `-o` merge's) definition of it."""
    return origin is not None and any(o.path != origin.path for o in origin.overrode)


#: a reader's section: the component whose constructor takes the transform lists
READER_KEY = "sample_transforms"


class _Facts(NamedTuple):
    sections: Mapping[str, Any]
    open: Any
    #: registered components (`create` builds them by name): the known top-level keys that are
    #: classes
    components: frozenset[str]


#: the last facts made, by the identity of what they were made of (the same known keys are
#: judged with in every run of a process)
_LAST: list[tuple[tuple[int, int, int], Any, _Facts]] = []


def _facts(top: Any, sections: Mapping[str, Any], open_sections: Any) -> _Facts:
    ident = (id(top), id(sections), id(open_sections))
    if _LAST and _LAST[0][0] == ident:
        return _LAST[0][2]
    facts = _Facts(sections, open_sections, frozenset(k for k in sections if k in top))
    # the inputs are kept with the facts, so their ids cannot be reused by other objects
    _LAST[:] = [(ident, (top, sections, open_sections), facts)]
    return facts


def _judge(section: Mapping[Any, Any], path: KeyPath, component: str, facts: _Facts,
           skip: Any = ()) -> Iterator[Misspelling]:
    """The keys of a mapping the constructor of `component` receives."""
    known = facts.sections[component]
    for sub in section:
        if sub in skip:
            continue
        sub_origin = origin_of(section, sub)
        if not isinstance(sub, str) or len(sub) < MIN_LENGTH or sub in known \
                or _defined_elsewhere(sub_origin):
            continue
        meant = _closest(sub, [k for k in section if k in known]) or _closest(sub, known)
        if meant is not None:
            yield Misspelling((*path, sub), meant, sub_origin, component in facts.open, component)


def _injected(section: Mapping[Any, Any], path: KeyPath, facts: _Facts
              ) -> Iterator[Misspelling]:
    """A component's parameters given as `{name: Component, ...}`: `create` sets the other keys
    on the component named and builds it (and so on, inside it)."""
    for key, value in section.items():
        if isinstance(value, Tagged) or not isinstance(value, dict):
            continue
        name = value.get("name")
        if isinstance(name, str) and name in facts.components and name in facts.sections:
            yield from _judge(value, (*path, key), name, facts, skip=("name",))
            yield from _injected(value, (*path, key), facts)


def _nested(value: Any, path: KeyPath, facts: _Facts, in_reader: bool
            ) -> Iterator[Misspelling]:
    """Below `value`: tagged mappings, and in a reader the transform lists' operators (only
    containers are stepped into: most values are scalars and lists of numbers)."""
    if isinstance(value, Tagged):
        inner = value.value
        cls = value.tag.lstrip("!")
        if isinstance(inner, dict) and cls in facts.sections:
            yield from _judge(inner, path, cls, facts)
        if isinstance(inner, _CONTAINERS):
            yield from _nested(inner, path, facts, in_reader)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, _CONTAINERS):
                yield from _nested(item, (*path, key), facts, in_reader)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, _CONTAINERS):
                continue
            if in_reader and isinstance(item, dict) and len(item) == 1:
                [(op, args)] = item.items()
                if isinstance(op, str) and op in facts.sections and isinstance(args, dict):
                    yield from _judge(args, (*path, index, op), op, facts)
            yield from _nested(item, (*path, index), facts, in_reader)


#: what `_nested` steps into
_CONTAINERS = (dict, list, Tagged)


def misspellings(data: Mapping[Any, Any], top: Any, sections: Mapping[str, Any],
                 open_sections: Any) -> Iterator[Misspelling]:
    """The misspelt keys of a merged config `data` (with origins), given the known `top` keys
    and, per class, its `sections` keys (`qatfix.registry.config_keys.KnownKeys`), at every
    depth where the class that receives a mapping is known (see the module's text)."""
    used: Optional[set[str]] = None  # the config's string values, read at the first unknown key
    facts = _facts(top, sections, open_sections)
    for key, value in data.items():
        origin = origin_of(data, key)
        if isinstance(key, str) and len(key) >= MIN_LENGTH and key not in top:
            used = _names_used(data, set()) if used is None else used
            if key not in used and not _defined_elsewhere(origin):
                present = [k for k in data if k != key and (k in top or k in used)]
                meant = _closest(key, present) or _closest(key, top)
                if meant is not None:
                    yield Misspelling((key,), meant, origin)
                    continue
        section = _inner(value)
        component = key if isinstance(key, str) and key in facts.components else None
        in_reader = False
        if component is not None and not isinstance(value, Tagged) \
                and isinstance(section, dict):
            yield from _judge(section, (key,), component, facts)
            yield from _injected(section, (key,), facts)
            in_reader = READER_KEY in sections[component]
        if isinstance(value, _CONTAINERS):
            yield from _nested(value, (key,), facts, in_reader)
