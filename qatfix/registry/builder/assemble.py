"""Build the registry document from one or more PaddleDetection trees.

The first tree given wins where several describe the same file; the others add their listings
as sources, and files only they list are kept as legacy names users still have in old configs.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from qatfix.errors import RegistryError
from qatfix.model.identity import ModelIdentity
from qatfix.registry.builder.backbones import backbone_values
from qatfix.registry.builder.drafts import Draft, collect_drafts
from qatfix.registry.builder.identities import IdentityCache
from qatfix.registry.builder.kinds import (
    is_slim_url, looks_like_backbone, looks_pretrained, slim_method_from_name, slim_method_from_value,
)
from qatfix.registry.builder.legacy import mark_legacy
from qatfix.registry.builder.report import INFO, UNSETTLED, ReportItem, format_report
from qatfix.registry.builder.settle import Settlement, Settler
from qatfix.registry.builder.slim_start import check_slim_starting_points
from qatfix.registry.builder.trees import ZooTree, open_tree
from qatfix.registry.builder.writer import SCHEMA_VERSION, format_document
from qatfix.registry.records import WeightEntry
from qatfix.registry.urls import weights_stem


@dataclass(frozen=True)
class BuildResult:
    """The entries, the registry text to write, and what the build noticed."""

    entries: tuple[WeightEntry, ...]
    document: dict[str, Any]
    text: str
    items: tuple[ReportItem, ...]
    counts: dict[str, int]

    @property
    def report(self) -> str:
        return format_report(self.items, self.counts)


def _kind(draft: Draft, settlement: Settlement) -> str:
    """slim > backbone/pretrained (by name, when no config says otherwise) > detector."""
    if settlement.slim_config or is_slim_url(draft.url):
        return "slim"
    if settlement.config is None and looks_like_backbone(draft.url):
        return "backbone"
    if looks_pretrained(draft.url):
        return "pretrained"
    return "detector"


class _Builder:
    """Settles every tree, then makes one entry per URL from the winning tree's draft."""

    def __init__(self, trees: Sequence[ZooTree], num_params: Mapping[str, int]) -> None:
        self.trees = trees
        self.cache = IdentityCache()
        self.num_params = dict(num_params)
        self.items: list[ReportItem] = []

    # -- per tree -------------------------------------------------------------------------------
    def settle_tree(self, tree: ZooTree, drafts: dict[str, Draft]) -> None:
        settler = Settler(tree, self.cache)
        for url in sorted(drafts):
            draft = drafts[url]
            if draft.listings:
                draft.settlement = settler.settle(url, draft.listings)
            else:
                by_stem = settler.stem_config(url, [])
                config = by_stem if by_stem and not looks_like_backbone(url) and not looks_pretrained(url) else None
                draft.settlement = Settlement(config, None, (), ())
        check_slim_starting_points(tree, drafts, settler, self.cache)

    # -- entries --------------------------------------------------------------------------------
    def entry(self, draft: Draft, all_sources: list[str]) -> WeightEntry:
        settlement = draft.settlement or Settlement(None, None, (), ())
        self.items.extend(settlement.items)
        self.items.extend(draft.items)
        tree, url, name = draft.tree, draft.url, weights_stem(draft.url)
        kind = _kind(draft, settlement)
        slim_method = None
        if kind == "slim":
            if settlement.slim_config:
                slim_method = slim_method_from_value(self.cache.facts(tree, settlement.slim_config).slim)
            slim_method = slim_method or slim_method_from_name(url)
        notes = list(settlement.notes)
        identity: Optional[ModelIdentity] = None
        config, slim_config = settlement.config, settlement.slim_config
        if config:
            with_slim = slim_config if slim_config and not (slim_method or "").startswith("distill") else None
            facts = self.cache.facts(tree, config, with_slim)
            identity = facts.identity
            if facts.error:
                self.items.append(ReportItem(INFO, name, f"cannot resolve {facts.error}", tuple(all_sources[:3])))
        elif kind in ("detector", "slim") and not any(i.status == UNSETTLED for i in settlement.items):
            self.items.append(ReportItem(INFO, name, "no config found (no row link, no config with its name)",
                                         tuple(all_sources[:3])))
        values: dict[str, Any] = {}
        if identity is not None:
            values = dict(architecture=identity.architecture, family=identity.family, variant=identity.variant,
                          backbone=identity.backbone, input_size=identity.input_size,
                          train_sizes=identity.train_sizes, num_classes=identity.num_classes,
                          dataset=identity.dataset, model_json=identity.model_json)
        elif kind == "backbone":
            values = backbone_values(draft, self.cache, notes)
        num_params = self.num_params.get(params_key(tree.label, config)) \
            if config and counts_parameters(kind, slim_method) else None
        return WeightEntry(
            name=name, url=url, kind=kind, slim_method=slim_method, tree=tree.label if config else None,
            config=config, slim_config=slim_config, num_params=num_params,
            sources=tuple(all_sources), notes=tuple(notes), **values)

    # -- whole build ----------------------------------------------------------------------------
    def build(self) -> list[WeightEntry]:
        per_tree = []
        for tree in self.trees:
            drafts = collect_drafts(tree)
            self.settle_tree(tree, drafts)
            per_tree.append(drafts)
        urls = sorted(set().union(*per_tree)) if per_tree else []
        entries: list[WeightEntry] = []
        for url in urls:
            present = [d[url] for d in per_tree if url in d]
            listed = [d for d in present if d.listings]
            primary = (listed or present)[0]
            sources = [s for d in present for s in d.sources]
            entry = self.entry(primary, sources)
            entries.append(entry)
        primary_label = self.trees[0].label if self.trees else None
        in_primary = {url for url in per_tree[0]} if per_tree else set()
        entries, legacy_items = mark_legacy(entries, primary_label, in_primary)
        self.items.extend(legacy_items)
        return sorted(entries, key=lambda e: (e.name.lower(), e.url))


def params_key(tree: str, config: str) -> str:
    """Key of a parameter count in num_params.json: counts belong to a config, not to a file."""
    return f"{tree}:{config}"


def counts_parameters(kind: str, slim_method: Optional[str]) -> bool:
    """Whether the config's own model is what the file holds (not so for quantized/pruned files)."""
    return kind in ("detector", "pretrained") or slim_method == "distill"


def build_registry(roots: Sequence[str | Path], *, tree_info: Mapping[str, Mapping[str, Any]] | None = None,
                   num_params: Mapping[str, int] | None = None) -> BuildResult:
    """Build the registry from `roots` (PaddleDetection roots, the first one wins).

    `tree_info` gives branch/commit/date per tree label; `num_params` parameter counts per
    "tree:config" (computed with paddle by `qatfix registry build --with-paddle`, kept in a data file).
    """
    trees = [open_tree(root) for root in roots]
    labels = [t.label for t in trees]
    if not trees:
        raise RegistryError("no PaddleDetection tree to build from")
    if len(set(labels)) != len(labels):
        raise RegistryError("trees need distinct folder names (they label the sources): " + ", ".join(labels))
    builder = _Builder(trees, num_params or {})
    entries = builder.build()
    info = tree_info or {}
    sources = [
        {"tree": t.label, "branch": info.get(t.label, {}).get("branch"),
         "commit": info.get(t.label, {}).get("commit"), "date": info.get(t.label, {}).get("date")}
        for t in trees
    ]
    document = {"schema_version": SCHEMA_VERSION, "sources": sources, "weights": [e.to_json() for e in entries]}
    counts = dict(Counter(e.kind for e in entries))
    return BuildResult(tuple(entries), document, format_document(document), tuple(builder.items), counts)


__all__ = ["BuildResult", "build_registry", "counts_parameters", "params_key"]
