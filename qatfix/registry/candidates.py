"""Rank the official weights a given model could start from.

Order: identical model sections (ignoring `num_classes`) first, then the same eval input size,
then the same dataset; ties go to the same backbone, current (non-legacy) weights, then name.
Only float weights of the same architecture are candidates: QAT needs a float model of the very
same network, and quantized or pruned weights are not one.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from qatfix.model.compare import SectionDifference, comparable, compare_comparable
from qatfix.model.identity import ModelIdentity
from qatfix.registry.index import Registry
from qatfix.registry.loader import load_registry
from qatfix.registry.records import WeightEntry


class Candidate(NamedTuple):
    """A weights entry with the evidence for its rank."""

    entry: WeightEntry
    same_network: bool
    same_input_size: bool
    same_dataset: bool
    same_backbone: bool
    same_num_classes: bool
    #: how the entry's network differs from the model (empty when `same_network`); None when the
    #: ranking was asked for without explanations
    differences: tuple[SectionDifference, ...] | None = ()

    @property
    def rank_key(self) -> tuple[object, ...]:
        return (not self.same_network, not self.same_input_size, not self.same_dataset,
                not self.same_backbone, self.entry.legacy, self.entry.kind != "detector",
                self.entry.name, self.entry.url)


def candidates(identity: ModelIdentity, registry: Optional[Registry] = None, *,
               limit: Optional[int] = None, explain: bool = True) -> tuple[Candidate, ...]:
    """Float weights of the same architecture as `identity`, best first (see module docstring).

    `explain=False` leaves `differences` None for other networks: rules that only pick weights
    skip comparing the sections of every entry whose backbone already tells it apart."""
    source = registry if registry is not None else load_registry()
    if identity.architecture is None:
        return ()
    wanted_key = identity.network_key
    model = comparable(identity.model)
    found: list[Candidate] = []
    known: dict[str, tuple[SectionDifference, ...]] = {}

    def differences(entry: WeightEntry) -> tuple[SectionDifference, ...]:
        if entry.url not in known:
            known[entry.url] = compare_comparable(comparable(entry.model or {}), model)
        return known[entry.url]

    for entry in source.of_architecture(identity.architecture):
        if not entry.is_float_model or entry.model_json is None:
            continue
        # exact sections, or sections that differ only in settings without parameters; another
        # backbone description settles it without comparing the sections
        if entry.backbone and identity.backbone and entry.backbone != identity.backbone:
            same_network = False
        elif entry.network_key == wanted_key:
            same_network = True
        else:
            same_network = not differences(entry)
        found.append(Candidate(
            entry=entry,
            same_network=same_network,
            same_input_size=entry.input_size is not None and entry.input_size == identity.input_size,
            same_dataset=entry.dataset is not None and entry.dataset == identity.dataset,
            same_backbone=entry.backbone is not None and entry.backbone == identity.backbone,
            same_num_classes=entry.num_classes == identity.num_classes,
        ))
    found.sort(key=lambda c: c.rank_key)
    if limit is not None:
        found = found[:limit]
    return tuple(
        c if c.same_network else Candidate(c.entry, c.same_network, c.same_input_size, c.same_dataset,
                                           c.same_backbone, c.same_num_classes,
                                           differences(c.entry) if explain else None)
        for c in found
    )
