"""Everything one tree says about one weights file: README listings, config references, mentions."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from qatfix.registry.builder.config_refs import ConfigRef, scan_config_refs
from qatfix.registry.builder.report import ReportItem
from qatfix.registry.builder.settle import Settlement
from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.builder.zoo_readmes import Listing, Mention, scan_readmes


@dataclass
class Draft:
    """Everything one tree says about one weights file."""

    tree: ZooTree
    url: str
    listings: list[Listing] = field(default_factory=list)
    refs: list[ConfigRef] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    settlement: Optional[Settlement] = None
    items: list[ReportItem] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return [l.source for l in self.listings] + [r.source for r in self.refs] + \
            [f"{m.tree}:{m.readme}:{m.line}" for m in self.mentions]


def collect_drafts(tree: ZooTree) -> dict[str, Draft]:
    """A draft per weights URL the tree mentions: in README tables, `pretrain_weights`, or prose."""
    scan = scan_readmes(tree)
    drafts: dict[str, Draft] = {}
    for listing in scan.listings:
        drafts.setdefault(listing.url, Draft(tree, listing.url)).listings.append(listing)
    for ref in scan_config_refs(tree):
        drafts.setdefault(ref.url, Draft(tree, ref.url)).refs.append(ref)
    for mention in scan.mentions:
        if mention.url not in drafts or not drafts[mention.url].listings:
            drafts.setdefault(mention.url, Draft(tree, mention.url)).mentions.append(mention)
    return drafts
