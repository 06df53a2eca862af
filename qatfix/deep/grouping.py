"""Match results per model part (backbone, neck, head, ...): a few lines instead of hundreds.

The part is the first component of a state-dict key, i.e. the architecture's sub-module attribute.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from qatfix.model.matching import MatchResult, ShapeMismatch


def module_of(key: str) -> str:
    return key.split(".", 1)[0]


@dataclass(frozen=True)
class ModuleGroup:
    """How one part of the model fares."""

    name: str
    params: int
    loaded: int
    #: model keys of this part no weight matches
    not_matched: int
    shape_mismatches: tuple[ShapeMismatch, ...]
    #: weight keys starting with this part's name that nothing uses
    unused_weights: int

    @property
    def from_scratch(self) -> int:
        return self.params - self.loaded

    def summary(self) -> str:
        """`head: 85 of 185 load (92 not in the weights, 8 differ in shape)`."""
        if not self.params:
            return f"{self.name}: not in the model ({self.unused_weights} weights unused)"
        reasons = []
        if self.not_matched:
            reasons.append(f"{self.not_matched} not in the weights")
        if self.shape_mismatches:
            reasons.append(f"{len(self.shape_mismatches)} differ in shape, e.g. "
                           f"{self.shape_mismatches[0]}")
        text = f"{self.name}: {self.loaded} of {self.params} load"
        return f"{text} ({', '.join(reasons)})" if reasons else text


def group_by_module(result: MatchResult, order: Sequence[str] = ()) -> tuple[ModuleGroup, ...]:
    """One group per part, in `order` (the model's own) and then by first appearance."""
    names: list[str] = list(dict.fromkeys(order))
    for key in (*result.model_keys, *result.unused_weights):
        if module_of(key) not in names:
            names.append(module_of(key))
    loaded = [module_of(m) for m, _ in result.loaded]
    groups = []
    for name in names:
        params = sum(1 for k in result.model_keys if module_of(k) == name)
        unused = sum(1 for k in result.unused_weights if module_of(k) == name)
        if not params and not unused:
            continue
        groups.append(ModuleGroup(
            name=name,
            params=params,
            loaded=loaded.count(name),
            not_matched=sum(1 for k in result.not_matched if module_of(k) == name),
            shape_mismatches=tuple(m for m in result.shape_mismatches
                                   if module_of(m.model_key) == name),
            unused_weights=unused,
        ))
    return tuple(groups)
