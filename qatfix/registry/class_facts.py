"""How each network of the signature store follows `num_classes`, as ppdet's builds show it.

`qatfix registry signatures` builds one config of every signature again at other class counts
(`qatfix.deep.class_builds`) and keeps, in `signatures/classes.json`, for each signature id:

- `num_classes`: the class count the signature was built at (None: the builds show none);
- `dims`: {key: [[axis, a, b], ...]}: dimension `axis` of the tensor is `a * n + b` at `n`
  classes (every other dimension is the signature's);
- `added` {key: [[a, b] per axis]} and `removed` [key]: tensors that exist only at other counts
  than the signature's own (FairMOT's one-class re-identification classifier);
- `valid`: [first, last] class counts the facts hold for (last None: no end); outside it only the
  signature's own count is known;
- `points` {count: {key: shape, "-": [key]}}: a count ppdet built where the rule does not hold
  (MCFairMOT at one class has a re-identification classifier), kept as built: the shapes that
  differ from the signature's, and the keys it lacks;
- `from`: the config that was built; or `error`: why no facts could be derived.

A signature whose tensors do not change with the class count has empty `dims`: its `num_classes`
changes no tensor (keypoint models). Read without paddle, once per process.
"""
from __future__ import annotations

from dataclasses import dataclass
import functools
import json
from dataclasses import field
from pathlib import Path
from typing import Any, Mapping, Optional

from qatfix.errors import RegistryError
from qatfix.model.signature import Signature
from qatfix.registry.signatures import CLASSES, default_signatures_dir, signature_index

SCHEMA_VERSION = 1

#: (axis, a, b): the dimension is a * n + b at n classes
Affine = tuple[int, int, int]


@dataclass(frozen=True)
class ClassFacts:
    """How one signature's tensors follow the class count."""

    num_classes: Optional[int]
    dims: Mapping[str, tuple[Affine, ...]]
    added: Mapping[str, tuple[tuple[int, int], ...]]
    removed: tuple[str, ...]
    first: int
    last: Optional[int]
    source: str
    #: counts the affine rule does not give, as ppdet built them: count -> ({key: shape} of the
    #: keys whose shape differs from the signature's, keys the signature has and they lack)
    points: Mapping[int, tuple[Mapping[str, tuple[int, ...]], tuple[str, ...]]] = \
        field(default_factory=dict)

    @property
    def class_keys(self) -> frozenset[str]:
        """Keys whose shape or presence depends on the class count."""
        at_points = [key for shapes, gone in self.points.values() for key in (*shapes, *gone)]
        return frozenset((*self.dims, *self.added, *self.removed, *at_points))

    @property
    def changes_nothing(self) -> bool:
        return not self.class_keys

    def covers(self, classes: int) -> bool:
        """Whether the facts tell the network at `classes` classes."""
        if classes == self.num_classes:
            return True
        return classes >= self.first and (self.last is None or classes <= self.last)


def _facts_from_data(data: Mapping[str, Any]) -> Optional[ClassFacts]:
    if "error" in data:
        return None
    try:
        dims = {str(k): tuple((int(x), int(a), int(b)) for x, a, b in v)
                for k, v in data.get("dims", {}).items()}
        added = {str(k): tuple((int(a), int(b)) for a, b in v)
                 for k, v in data.get("added", {}).items()}
        first, last = data["valid"]
        own = data.get("num_classes")
        points = {int(count): ({str(k): tuple(int(d) for d in v) for k, v in point.items()
                                if k != "-"}, tuple(str(k) for k in point.get("-", ())))
                  for count, point in data.get("points", {}).items()}
        return ClassFacts(None if own is None else int(own), dims, added,
                          tuple(str(k) for k in data.get("removed", ())), int(first),
                          None if last is None else int(last), str(data.get("from", "")),
                          points)
    except (KeyError, TypeError, ValueError) as exc:
        raise RegistryError(f"not class facts ({type(exc).__name__}: {exc})",
                            path=str(default_signatures_dir() / CLASSES)) from None


def read_class_store(folder: Path) -> dict[str, Mapping[str, Any]]:
    """signature id -> facts data, from `folder/classes.json` ({} when there is none)."""
    path = folder / CLASSES
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the class facts: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise RegistryError(f"schema_version is not the supported {SCHEMA_VERSION}", path=str(path))
    signatures = data.get("signatures")
    return signatures if isinstance(signatures, dict) else {}


@functools.lru_cache(maxsize=1)
def _store() -> dict[str, Mapping[str, Any]]:
    return read_class_store(default_signatures_dir())


def facts_of_signature(ident: str) -> Optional[ClassFacts]:
    """The class facts of a signature id; None when the builds gave none."""
    data = _store().get(ident)
    return _facts_from_data(data) if data else None


def class_facts(tree: str, config: str) -> Optional[ClassFacts]:
    """The class facts of the signature `config` of `tree` builds."""
    entry = signature_index().entry(tree, config)
    if not entry or "signature" not in entry:
        return None
    return facts_of_signature(str(entry["signature"]))


def facts_error(tree: str, config: str) -> Optional[str]:
    """Why the builds gave no class facts for `config`'s signature (None: they did, or it was
    never built at other counts)."""
    entry = signature_index().entry(tree, config)
    data = _store().get(str(entry["signature"])) if entry and "signature" in entry else None
    return str(data["error"]) if data and "error" in data else None


def shapes_at(signature: Signature, facts: ClassFacts, classes: int, points: bool = True
              ) -> Optional[dict[str, tuple[int, ...]]]:
    """The state-dict signature (key -> shape, in order) of the network at `classes` classes;
    None when the facts do not cover that count. `points`: a count ppdet built and kept as it
    is (the affine rule does not give it) is taken as built."""
    if classes == facts.num_classes:
        return dict(signature.shapes)
    if points and classes in facts.points:
        changed, gone = facts.points[classes]
        kept = {k: changed.get(k, s) for k, s in signature.shapes.items() if k not in gone}
        kept.update((k, s) for k, s in changed.items() if k not in kept)
        return kept
    if not facts.covers(classes):
        return None
    removed = set(facts.removed)
    shapes: dict[str, tuple[int, ...]] = {}
    for key, shape in signature.shapes.items():
        if key in removed:
            continue
        changes = facts.dims.get(key)
        if changes:
            dims = list(shape)
            for axis, a, b in changes:
                dims[axis] = a * classes + b
            shape = tuple(dims)
        shapes[key] = shape
    for key, axes in facts.added.items():
        shapes[key] = tuple(a * classes + b for a, b in axes)
    if any(d <= 0 for shape in shapes.values() for d in shape):
        return None
    return shapes


def classes_of(facts: ClassFacts, shapes: Mapping[str, tuple[int, ...]]) -> Optional[int]:
    """The class count a state dict (`shapes`, key -> shape, keyed as the signature is) was
    built at, told by the tensors the facts show to follow the class count (`a * n + b`);
    None when none of them is there or they disagree."""
    counts: set[int] = set()
    for key, changes in facts.dims.items():
        shape = shapes.get(key)
        if shape is None:
            continue
        for axis, a, b in changes:
            if a == 0 or axis >= len(shape):
                continue
            count, rest = divmod(shape[axis] - b, a)
            if rest or count < 1:
                return None
            counts.add(count)
    return counts.pop() if len(counts) == 1 else None


def clear_cache() -> None:
    _store.cache_clear()
