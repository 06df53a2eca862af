"""Registry entries and candidates as text for people and JSON for tools."""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from qatfix.errors import RegistryError
from qatfix.registry.candidates import Candidate
from qatfix.registry.records import WeightEntry
from qatfix.registry.signatures import signature_index


def _size(size: Any) -> str:
    return f"{size[0]}x{size[1]}" if size else "-"


def entry_line(entry: WeightEntry) -> str:
    """One-line summary, as `search` lists entries."""
    flags = []
    if entry.legacy:
        flags.append("legacy" + (f" -> {entry.superseded_by}" if entry.superseded_by else ""))
    kind = entry.kind + (f"/{entry.slim_method}" if entry.slim_method else "")
    facts = ", ".join(x for x in (kind, entry.backbone or "", _size(entry.input_size) if entry.input_size else "",
                                  entry.dataset or "") if x)
    return f"{entry.name}  ({facts}){'  [' + '; '.join(flags) + ']' if flags else ''}"


def entry_text(entry: WeightEntry) -> str:
    """Every field of an entry except the model sections, one per line."""
    rows: list[tuple[str, Any]] = [
        ("name", entry.name), ("url", entry.url), ("kind", entry.kind), ("slim method", entry.slim_method),
        ("legacy", "yes" if entry.legacy else "no"), ("superseded by", entry.superseded_by),
        ("config", f"{entry.config} ({entry.tree})" if entry.config else None),
        ("slim config", entry.slim_config), ("architecture", entry.architecture), ("family", entry.family),
        ("variant", entry.variant), ("backbone", entry.backbone),
        ("input size", _size(entry.input_size) if entry.input_size else None),
        ("train sizes", ", ".join(_size(s) for s in entry.train_sizes) or None),
        ("num classes", entry.num_classes), ("dataset", entry.dataset),
        ("parameters",
         f"{entry.num_params:,} values in model.parameters()" if entry.num_params else None),
        ("state dict", _state_dict(entry)),
    ]
    lines = [f"{label + ':':<15}{value}" for label, value in rows if value is not None]
    lines += [f"{'listed at:':<15}{s}" for s in entry.sources]
    lines += [f"{'note:':<15}{n}" for n in entry.notes]
    return "\n".join(lines)


def _state_dict(entry: WeightEntry) -> str | None:
    """`463 tensors, 1,249,528 values (what a checkpoint holds)`, from the signature store."""
    if not entry.config:
        return None
    try:
        index = signature_index()
    except RegistryError:
        return None
    for tree in [entry.tree] + sorted(t for t in index.trees if t != entry.tree):
        found = index.entry(tree, entry.config) if tree else None
        if found and "tensors" in found:
            return (f"{found['tensors']} tensors, {found['elements']:,} values "
                    "(what a checkpoint holds)")
    return None


def entries_json(entries: Iterable[WeightEntry]) -> str:
    """Entries as in the registry file, with the model sections expanded into objects."""
    return json.dumps([{**e.to_json(), "model": e.model} for e in entries], indent=2, ensure_ascii=False) + "\n"


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    return {
        "name": candidate.entry.name,
        "url": candidate.entry.url,
        "config": candidate.entry.config,
        "same_network": candidate.same_network,
        "same_input_size": candidate.same_input_size,
        "same_dataset": candidate.same_dataset,
        "same_backbone": candidate.same_backbone,
        "same_num_classes": candidate.same_num_classes,
        "legacy": candidate.entry.legacy,
        "differences": [d.message for d in candidate.differences or ()],
    }


def candidates_text(found: Sequence[Candidate]) -> str:
    lines = []
    for rank, candidate in enumerate(found, start=1):
        marks = [m for m, ok in (("same network", candidate.same_network),
                                 ("same input size", candidate.same_input_size),
                                 ("same dataset", candidate.same_dataset)) if ok]
        lines.append(f"{rank:>2}. {entry_line(candidate.entry)}")
        lines.append(f"    {candidate.entry.url}")
        if marks:
            lines.append("    " + ", ".join(marks))
        lines += [f"    differs: {d.message}" for d in (candidate.differences or ())[:3]]
    return "\n".join(lines)
