"""Every weights link in the model-zoo README tables of a tree, with the configs its row links.

A row may list several weights and several configs (keypoint tables pair a detector with a pose
model); they are paired by position when the counts agree; a row with one weight gives it all its
configs, and one config serves every weight of its row. Config links under `configs/slim/` or
labelled "slim" are taken as slim configs here; the settler checks that against their content.
"""
from __future__ import annotations

from dataclasses import dataclass
import re

from qatfix.registry.builder.config_links import config_path_from_link, is_config_link
from qatfix.registry.builder.markdown_tables import TableRow, iter_table_rows
from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.urls import SUFFIX, canonical_url, is_url

_WEIGHTS_URL = re.compile(r"(?:https?|ppdet)://[^\s)\"'<>|\]]+?\.pdparams\b")
_TEMPLATE = re.compile(r"\$\{|\{\w+\}")


@dataclass(frozen=True)
class Listing:
    """One weights link in one README table row."""

    tree: str
    readme: str
    line: int
    url: str
    label: str
    configs: tuple[str, ...]
    slim_configs: tuple[str, ...]

    @property
    def source(self) -> str:
        return f"{self.tree}:{self.readme}:{self.line}"


@dataclass(frozen=True)
class Mention:
    """A weights URL in a README outside any table (commands, prose)."""

    tree: str
    readme: str
    line: int
    url: str


def _is_slim_link(header: str, text: str, path: str) -> bool:
    return path.startswith("configs/slim/") or "slim" in text.lower() or "slim" in header.lower()


def _plain_label(text: str) -> str:
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("**", "").strip()


def _row_listings(tree: ZooTree, readme: str, row: TableRow) -> tuple[list[Listing], list[str]]:
    weights: list[str] = []
    templates: list[str] = []
    configs: list[str] = []
    slim_configs: list[str] = []
    for cell, link in row.links:
        target = link.target
        if target.split("?", 1)[0].endswith(SUFFIX) and is_url(target):
            if _TEMPLATE.search(target):
                templates.append(target)
                continue
            url = canonical_url(target)
            if url not in weights:
                weights.append(url)
        elif is_config_link(target):
            path = config_path_from_link(target, readme)
            if path is None:
                continue
            bucket = slim_configs if _is_slim_link(cell.header, link.text, path) else configs
            if path not in bucket:
                bucket.append(path)
    label = _plain_label(row.cells[0].text) if row.cells else ""

    def paired(items: list[str], index: int) -> tuple[str, ...]:
        if len(items) == len(weights):
            return (items[index],)
        if len(weights) == 1 or len(items) == 1:
            return tuple(items)
        return ()

    listings = [
        Listing(tree.label, readme, row.line, url, label, paired(configs, i), paired(slim_configs, i))
        for i, url in enumerate(weights)
    ]
    return listings, templates


@dataclass(frozen=True)
class ReadmeScan:
    """Everything the model-zoo READMEs of one tree say about weights."""

    listings: tuple[Listing, ...]
    mentions: tuple[Mention, ...]
    templates: tuple[str, ...]


def scan_readmes(tree: ZooTree) -> ReadmeScan:
    """All table listings and outside-table mentions of weights in the tree's READMEs."""
    listings: list[Listing] = []
    mentions: list[Mention] = []
    templates: list[str] = []
    for readme in tree.readmes:
        text = tree.path(readme).read_text(encoding="utf-8", errors="replace")
        table_lines: set[int] = set()
        for row in iter_table_rows(text):
            found, skipped = _row_listings(tree, readme, row)
            listings.extend(found)
            templates.extend(f"{tree.label}:{readme}:{row.line}: {t}" for t in skipped)
            table_lines.add(row.line)
        for number, line in enumerate(text.splitlines(), start=1):
            if number in table_lines:
                continue
            for match in _WEIGHTS_URL.finditer(line):
                if not _TEMPLATE.search(match.group(0)):
                    mentions.append(Mention(tree.label, readme, number, canonical_url(match.group(0))))
    return ReadmeScan(tuple(listings), tuple(mentions), tuple(templates))
