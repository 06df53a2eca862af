"""A slim weight's model config should build the network its slim config starts from.

Slim rows link the float model's config; the slim config names the float weights it starts from
(`pretrain_weights`). When those weights were trained with another network than the row's config,
the row is suspect: the weight name decides when it clearly follows the starting weights, else the
disagreement is reported. A row without a model config takes the starting weights' config.
Distillation slim configs start from the teacher and are left alone.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from qatfix.registry.builder.drafts import Draft
from qatfix.registry.builder.identities import IdentityCache
from qatfix.registry.builder.kinds import slim_method_from_value
from qatfix.registry.builder.report import SETTLED, UNSETTLED, ReportItem
from qatfix.registry.builder.settle import Settler
from qatfix.registry.builder.trees import ZooTree
from qatfix.registry.urls import weights_stem


def check_slim_starting_points(tree: ZooTree, drafts: Mapping[str, Draft], settler: Settler,
                               cache: IdentityCache) -> None:
    """Check (and where the evidence is clear, fix) the model config of every slim draft."""
    for url in sorted(drafts):
        draft = drafts[url]
        s = draft.settlement
        if s is None or not s.slim_config:
            continue
        method = slim_method_from_value(cache.facts(tree, s.slim_config).slim) or ""
        if method.startswith("distill"):
            continue  # a distillation slim config starts from the teacher, not from this model
        start = cache.facts(tree, s.slim_config).pretrain_weights or ""
        origin = drafts.get(start) if start else None
        start_config = origin.settlement.config if origin and origin.settlement else None
        name = weights_stem(url)
        sources = tuple(l.source for l in draft.listings)
        if start_config and not s.config:
            draft.settlement = replace(s, config=start_config, notes=s.notes + (
                f"config of {weights_stem(start)}, which slim config {s.slim_config} starts from",))
            draft.items.append(ReportItem(SETTLED, name, (
                f"rows link no model config; slim config {s.slim_config} starts from {weights_stem(start)}, "
                f"trained with {start_config}; using it"), sources))
            continue
        if not start_config or not s.config or start_config == s.config \
                or settler.same_network(start_config, s.config) is not False:
            continue
        why = settler.first_difference(start_config, s.config)
        if _name_affinity(name, start_config) > _name_affinity(name, s.config):
            draft.settlement = replace(s, config=start_config, notes=s.notes + (
                f"README links {s.config}; slim config {s.slim_config} starts from "
                f"{weights_stem(start)} ({start_config})",))
            draft.items.append(ReportItem(SETTLED, name, (
                f"row links config {s.config}, but slim config {s.slim_config} starts from "
                f"{weights_stem(start)}, trained with {start_config} ({why}); name agrees, using {start_config}"),
                sources))
        else:
            draft.items.append(ReportItem(UNSETTLED, name, (
                f"row links config {s.config}, but slim config {s.slim_config} starts from "
                f"{weights_stem(start)}, trained with {start_config} ({why}); kept {s.config}"), sources))


def _name_affinity(name: str, config: str) -> int:
    """How many leading `_` tokens the weight name shares with the config's file name."""
    a, b = name.lower().split("_"), weights_stem(config.rsplit("/", 1)[-1].rsplit(".", 1)[0]).lower().split("_")
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count
