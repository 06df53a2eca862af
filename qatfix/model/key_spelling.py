"""Keys ppdet never reads, one edit away from a key it does: misspellings.

ppdet reads the global config by name: a top-level key nothing reads (`pretrain_weight:`) is
kept and ignored, and a component's section passes its keys to the constructor, where a key it
does not take is swallowed by `**kwargs` (`TrainReader: {batchsize: 48}`) or stops the build with
TypeError. The keys ppdet knows are facts learned from the trees and ppdet's source
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


def misspellings(data: Mapping[Any, Any], top: Any, sections: Mapping[str, Any],
                 open_sections: Any) -> Iterator[Misspelling]:
    """The misspelt keys of a merged config `data` (with origins), given the known `top` keys
    and, per component, its `sections` keys (`qatfix.registry.config_keys.KnownKeys`)."""
    used = _names_used(data, set())
    for key, value in data.items():
        origin = origin_of(data, key)
        if isinstance(key, str) and len(key) >= MIN_LENGTH and key not in top \
                and key not in used and not _defined_elsewhere(origin):
            present = [k for k in data if k != key and (k in top or k in used)]
            meant = _closest(key, present) or _closest(key, top)
            if meant is not None:
                yield Misspelling((key,), meant, origin)
                continue
        section = _inner(value)
        known = sections.get(key) if isinstance(key, str) else None
        if known is None or isinstance(value, Tagged) or not isinstance(section, dict):
            continue
        for sub in section:
            sub_origin = origin_of(section, sub)
            if not isinstance(sub, str) or len(sub) < MIN_LENGTH or sub in known \
                    or _defined_elsewhere(sub_origin):
                continue
            meant = _closest(sub, [k for k in section if k in known]) or _closest(sub, known)
            if meant is not None:
                yield Misspelling((key, sub), meant, sub_origin, key in open_sections)
