"""Decide which config (and slim config) a weights file was trained with, on evidence.

README rows are sometimes wrong: a row links another model's weights, two rows swap their
weights, links point to configs that moved. Evidence, strongest first:
1. a config whose file name is the weight's name (`picodet_s_320_coco_lcnet.pdparams` ->
   `picodet_s_320_coco_lcnet.yml`);
2. the configs the rows link, when they all build the same network;
3. a single linked config.
Rows that disagree otherwise are reported as unsettled, and the entry keeps no config.
"""
from __future__ import annotations

from dataclasses import dataclass
import posixpath
from typing import Optional, Sequence

from qatfix.model.compare import compare_models
from qatfix.registry.builder.identities import IdentityCache
from qatfix.registry.builder.report import INFO, SETTLED, UNSETTLED, ReportItem
from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.builder.zoo_readmes import Listing
from qatfix.registry.urls import weights_stem


@dataclass(frozen=True)
class Settlement:
    """Which config (and slim config) a weights file was settled to, and how."""

    config: Optional[str]
    slim_config: Optional[str]
    notes: tuple[str, ...]
    items: tuple[ReportItem, ...]


def _is_base(config: str) -> bool:
    return "/_base_/" in config


def _is_slim(config: str) -> bool:
    return config.startswith("configs/slim/")


class Settler:
    """Settles configs for the weights of one tree."""

    def __init__(self, tree: ZooTree, cache: IdentityCache) -> None:
        self.tree = tree
        self.cache = cache

    # -- evidence helpers -------------------------------------------------------------------
    def locate(self, link: str, source: str, name: str, items: list[ReportItem],
               notes: list[str]) -> Optional[str]:
        """The linked config if it exists, else the only config with its file name."""
        if self.tree.exists(link):
            return link
        moved = [c for c in self.tree.configs_named(posixpath.basename(link)) if not _is_base(c)]
        if len(moved) == 1:
            notes.append(f"{source} links {link}, which is at {moved[0]}")
            items.append(ReportItem(INFO, name, f"config link {link} does not exist; found it at {moved[0]}",
                                    (source,)))
            return moved[0]
        reason = "does not exist" if not moved else "is ambiguous: " + ", ".join(moved)
        items.append(ReportItem(INFO, name, f"config link {link} {reason}; ignored", (source,)))
        return None

    def stem_config(self, url: str, linked: Sequence[str], *, slim: bool = False) -> Optional[str]:
        """The model config (or, with `slim`, the slim config) named like the weights file."""
        found = [c for c in self.tree.configs_with_stem(weights_stem(url))
                 if not _is_base(c) and _is_slim(c) == slim]
        if len(found) == 1:
            return found[0]
        in_rows = [c for c in found if c in linked]
        if len(in_rows) == 1:
            return in_rows[0]
        if found and all(self.same_network(found[0], other) for other in found[1:]):
            return found[0]  # copies of one model under several task folders
        return None

    def is_slim_config(self, config: str, labelled_slim: bool) -> bool:
        """A slim config sets `slim:`; the README label decides only when the file cannot be read."""
        facts = self.cache.facts(self.tree, config)
        if facts.error:
            return labelled_slim
        return facts.slim is not None and facts.identity is None or config.startswith("configs/slim/")

    def same_network(self, a: str, b: str) -> Optional[bool]:
        """True/False when both configs resolve, None when one cannot be read."""
        ida, idb = self.cache.identity(self.tree, a), self.cache.identity(self.tree, b)
        if ida is None or idb is None:
            return None
        return ida.network_key == idb.network_key

    def first_difference(self, weights_config: str, other: str) -> str:
        ida, idb = self.cache.identity(self.tree, weights_config), self.cache.identity(self.tree, other)
        if ida is None or idb is None:
            return "cannot compare"
        differences = compare_models(ida.model, idb.model)
        return differences[0].message if differences else "same network"

    # -- decisions ------------------------------------------------------------------------------
    def settle(self, url: str, listings: Sequence[Listing]) -> Settlement:
        name = weights_stem(url)
        items: list[ReportItem] = []
        notes: list[str] = []
        linked: list[str] = []
        linked_sources: dict[str, list[str]] = {}
        slim_linked: list[str] = []
        for listing in listings:
            links = [(c, False) for c in listing.configs] + [(c, True) for c in listing.slim_configs]
            for link, labelled_slim in links:
                found = self.locate(link, listing.source, name, items, notes)
                if not found:
                    continue
                if self.is_slim_config(found, labelled_slim):
                    if found not in slim_linked:
                        slim_linked.append(found)
                    continue
                if found not in linked:
                    linked.append(found)
                linked_sources.setdefault(found, []).append(listing.source)

        config = self._choose_config(url, name, linked, linked_sources, items, notes)
        slim_config: Optional[str] = None
        slim_by_stem = self.stem_config(url, slim_linked, slim=True)
        if slim_by_stem:
            slim_config = slim_by_stem
            for other in slim_linked:
                if other != slim_by_stem:
                    items.append(ReportItem(SETTLED, name, f"row links slim config {other}, but the weight is "
                                                           f"named after {slim_by_stem}; using {slim_by_stem}",
                                            tuple(l.source for l in listings)))
        elif len(slim_linked) == 1:
            slim_config = slim_linked[0]
        elif len(slim_linked) > 1:
            items.append(ReportItem(UNSETTLED, name, "rows link different slim configs: " + ", ".join(slim_linked),
                                    tuple(l.source for l in listings)))
        return Settlement(config, slim_config, tuple(notes), tuple(items))

    def _choose_config(self, url: str, name: str, linked: list[str], linked_sources: dict[str, list[str]],
                       items: list[ReportItem], notes: list[str]) -> Optional[str]:
        by_stem = self.stem_config(url, linked)
        if by_stem:
            for other in linked:
                if other == by_stem:
                    continue
                sources = tuple(linked_sources[other])
                same = self.same_network(by_stem, other)
                if same:
                    items.append(ReportItem(INFO, name, f"row links {other}, which builds the same network as "
                                                        f"{by_stem} (the weight's namesake)", sources))
                else:
                    why = self.first_difference(by_stem, other) if same is False else "cannot compare"
                    notes.append(f"README links {other}; {by_stem} has the weight's name ({why})")
                    items.append(ReportItem(SETTLED, name, f"row links config {other}, but the weight is named "
                                                           f"after {by_stem} ({why}); using {by_stem}", sources))
            return by_stem
        if len(linked) == 1:
            return linked[0]
        if not linked:
            return None
        first = linked[0]
        verdicts = [self.same_network(first, other) for other in linked[1:]]
        sources = tuple(dict.fromkeys(s for c in linked for s in linked_sources[c]))
        if all(verdicts):
            items.append(ReportItem(INFO, name, "rows link " + ", ".join(linked) +
                                    f", which build the same network; using {first}", sources))
            return first
        details = "; ".join(f"{other}: {self.first_difference(first, other)}"
                            for other, same in zip(linked[1:], verdicts) if not same)
        items.append(ReportItem(UNSETTLED, name, f"rows link configs of different networks ({first} vs {details}); "
                                                 "config left null", sources))
        notes.append("README rows link configs of different networks: " + ", ".join(linked))
        return None
