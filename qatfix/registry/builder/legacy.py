"""Mark weights the zoo has replaced, and name their replacement.

Legacy: trained with a config under `legacy_model/`, listed in a legacy README
(`README_legacy.md`, `legacy_model/README.md`), or listed only by an older tree. The replacement
is the current float model of the same family, variant, input size, dataset and class count
(PicoDet-S-320 ESNet `picodet_s_320_coco` -> LCNet `picodet_s_320_coco_lcnet`); among several, the
same architecture, a name extending the old one, the closest network, then the same train sizes.
"""
from __future__ import annotations

from typing import Optional, Sequence

from qatfix.model.compare import compare_models
from qatfix.registry.builder.report import INFO, UNSETTLED, ReportItem
from qatfix.registry.records import WeightEntry


def _is_legacy_place(path: str) -> bool:
    lowered = path.lower()
    return "/legacy_model/" in lowered or "legacy" in lowered.rsplit("/", 1)[-1]


def _readme_sources(entry: WeightEntry, tree: Optional[str]) -> list[str]:
    result = []
    for source in entry.sources:
        label, _, rest = source.partition(":")
        if label == tree and rest.rsplit(":", 1)[0].lower().endswith(".md"):
            result.append(rest.rsplit(":", 1)[0])
    return result


def is_legacy(entry: WeightEntry, primary_tree: Optional[str], in_primary: bool) -> tuple[bool, Optional[str]]:
    """(legacy?, why) for one entry."""
    if not in_primary:
        return True, f"listed only by {', '.join(sorted({s.split(':', 1)[0] for s in entry.sources}))}"
    if entry.config and _is_legacy_place(entry.config):
        return True, f"config {entry.config} is a legacy model"
    legacy_readmes = [r for r in _readme_sources(entry, primary_tree) if _is_legacy_place(r)]
    if legacy_readmes:
        return True, f"listed in {legacy_readmes[0]}"
    return False, None


def _replacement(entry: WeightEntry, current: Sequence[WeightEntry]) -> list[WeightEntry]:
    keys = ("family", "variant", "input_size", "dataset", "num_classes")
    found = [c for c in current if all(getattr(c, k) == getattr(entry, k) for k in keys)]
    if len(found) > 1:
        same_arch = [c for c in found if c.architecture == entry.architecture]
        found = same_arch or found
    if len(found) > 1:
        named = [c for c in found if c.name.startswith(entry.name + "_")]
        found = named or found
    if len(found) > 1 and entry.model is not None:
        distance = {c.url: len(compare_models(entry.model, c.model or {})) for c in found}
        closest = min(distance.values())
        found = [c for c in found if distance[c.url] == closest]
    if len(found) > 1:
        same_recipe = [c for c in found if c.train_sizes == entry.train_sizes]
        found = same_recipe or found
    return found


def mark_legacy(entries: Sequence[WeightEntry], primary_tree: Optional[str],
                in_primary: set[str]) -> tuple[list[WeightEntry], list[ReportItem]]:
    items: list[ReportItem] = []
    marked: list[WeightEntry] = []
    for entry in entries:
        legacy, why = is_legacy(entry, primary_tree, entry.url in in_primary)
        marked.append(entry._replace(legacy=True, notes=entry.notes + (f"legacy: {why}",)) if legacy else entry)
    current = [e for e in marked if not e.legacy and e.kind == "detector" and e.family and e.variant]
    result: list[WeightEntry] = []
    for entry in marked:
        if entry.legacy and entry.kind == "detector" and entry.family and entry.variant and entry.input_size:
            found = _replacement(entry, current)
            if len(found) == 1:
                entry = entry._replace(superseded_by=found[0].name)
                items.append(ReportItem(INFO, entry.name, f"legacy, superseded by {found[0].name}"))
            elif len(found) > 1:
                items.append(ReportItem(UNSETTLED, entry.name, "legacy; several current weights could replace it: "
                                        + ", ".join(sorted(c.name for c in found))))
        result.append(entry)
    return result, items
