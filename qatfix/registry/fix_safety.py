"""When replacing a run's weights by official weights is safe, and why.

One decision for every rule that proposes weights: its inputs are the run's mode, the model
identity and the candidate entry; its answer is the safety with the reason beside it. Whether
ppdet would load every parameter is asked through one hook, `every_parameter_loads`.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

from qatfix.findings import Safety
from qatfix.model.identity import ModelIdentity
from qatfix.registry.records import WeightEntry
from qatfix.model.compare import comparable, compare_comparable
from qatfix.registry.loading import official_loading

#: slim modes whose run builds the model and then loads a float model into it
FLOAT_START_MODES = ("QAT", "PTQ", "PrunerQAT")


class FixSafety(NamedTuple):
    """The safety of pointing a run at one weights file, with the reason for it."""

    safety: Safety
    reason: str

    @property
    def safe(self) -> bool:
        return self.safety == "safe"


def every_parameter_loads(identity: ModelIdentity, entry: WeightEntry,
                          model_tree: Optional[str] = None) -> Optional[bool]:
    """Would ppdet load every parameter of this model from `entry` (class layers aside)?

    The committed ppdet-built signatures decide when both sides have one (`official_loading`:
    ppdet's own matching); otherwise the model sections the registry recorded for the weights
    are compared with the model's. None when the registry cannot tell.
    """
    if entry.model_json is None or identity.architecture is None:
        return None

    loading = official_loading(identity, entry, model_tree)
    if loading is not None:
        return loading.verdict in ("fits", "classes")
    if entry.architecture is not None and entry.architecture != identity.architecture:
        return False
    if entry.network_key == identity.network_key:
        return True

    return not compare_comparable(comparable(entry.model or {}), comparable(identity.model))


def _classes(count: Optional[int]) -> str:
    if count is None:
        return "an unknown number of classes"
    return f"{count} class" if count == 1 else f"{count} classes"


def _size(size: Optional[tuple[int, int]]) -> str:
    return f"{size[0]}x{size[1]}" if size else "an unknown size"


def weights_fix_safety(mode: str, identity: ModelIdentity, entry: WeightEntry,
                       model_tree: Optional[str] = None) -> FixSafety:
    """Is pointing a `mode` run of this model at `entry` safe? Safe only when ppdet would then
    load what the run needs: for QAT/PTQ the float model of exactly this network, input size,
    classes and dataset. Replacing the weights of a training run is never safe: which weights
    it should start from is the user's choice (and official ones may be its own result)."""
    if mode not in FLOAT_START_MODES:
        return FixSafety("unsafe", f"a {mode} run starts from the weights you choose; replacing "
                                   "them changes what it learns from")
    if not entry.is_float_model:
        return FixSafety("unsafe", f"{entry.name} is not a trained float model ({entry.kind})")
    mismatches = []
    if entry.input_size is None or identity.input_size is None \
            or tuple(entry.input_size) != tuple(identity.input_size):
        mismatches.append(f"trained at {_size(entry.input_size)}, the model runs at "
                          f"{_size(identity.input_size)}")
    if entry.num_classes is None or entry.num_classes != identity.num_classes:
        mismatches.append(f"trained for {_classes(entry.num_classes)}, the model has "
                          f"{_classes(identity.num_classes)}")
    if entry.dataset is None or entry.dataset != identity.dataset:
        mismatches.append(f"trained on {entry.dataset or 'an unknown dataset'}, the model's "
                          f"dataset is {identity.dataset or 'unknown'}")
    if mismatches:
        return FixSafety("unsafe", "; ".join(mismatches))
    loads = every_parameter_loads(identity, entry, model_tree)
    if not loads:
        return FixSafety("unsafe", "not the same network" if loads is False
                         else "the registry cannot tell whether every parameter loads")
    legacy = " (listed as legacy, but the exact match)" if entry.legacy else ""
    return FixSafety("safe", f"the official float model of exactly this network{legacy}: every "
                             f"parameter loads, {_size(entry.input_size)}, "
                             f"{_classes(entry.num_classes)}, {entry.dataset}")
