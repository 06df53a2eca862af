"""What ppdet's structured pruners are given: `ppdet/slim/prune.py: Pruner` and `PrunerQAT`.

`build_slim_model` creates `cfg.slim` for `slim: Pruner`/`PrunerQAT` and `cfg.pruner` for
`slim: DistillPrune` (applied to the student). Both classes assert `criterion` is `l1_norm` or
`fpgm`, then pair names with ratios by position: `ratios[param] = pruned_ratios[i]` for each
name, so a list of ratios shorter than the names fails with IndexError after the model is built
and the weights loaded, and ratios beyond the names are silently unused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional
from qatfix.config.kind import PRUNE_MODES


CRITERIA = ("l1_norm", "fpgm")


@dataclass(frozen=True)
class PrunerArguments:
    """The pruner section of a run: its key in the config and its arguments."""

    key: str
    arguments: Mapping[str, Any]

    @property
    def names(self) -> Optional[list[str]]:
        names = self.arguments.get("pruned_params")
        if isinstance(names, list) and names and all(isinstance(n, str) for n in names):
            return names
        return None


def pruner_arguments(data: Mapping[str, Any]) -> Optional[PrunerArguments]:
    """The pruner a slim run creates, from the effective (or slim) config data: `Pruner` /
    `PrunerQAT` for those slim types, the section `pruner:` names for DistillPrune."""
    slim = data.get("slim")
    key = data.get("pruner") if slim == "DistillPrune" else slim
    if not isinstance(key, str) or key not in PRUNE_MODES:
        return None
    section = data.get(key)
    return PrunerArguments(key, section) if isinstance(section, Mapping) else None
