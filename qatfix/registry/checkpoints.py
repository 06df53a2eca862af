"""What a `weights` value holds: an official slim or float checkpoint (from the registry), or a
local `.pdparams` file read without paddle and compared with the model's signature.

This is what tools/eval.py, export_model.py, infer.py and post_quant.py load, so a QAT or pruned
checkpoint can be told from a float one before those scripts load it into the wrong network.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import TYPE_CHECKING, Mapping, Optional

from qatfix.model.checkpoint import Shape, kind_against, read_checkpoint
from qatfix.model.quant_format import QatLayout, qat_layout
from qatfix.registry.urls import is_url, split_weights_suffix
from qatfix.registry.loading import stand_in
from qatfix.registry.signatures import signature_of
from qatfix.model.matching import match_state_dict

if TYPE_CHECKING:
    from qatfix.model.identity import ModelIdentity
    from qatfix.registry.records import WeightEntry

#: registry slim methods whose checkpoint only loads into the slimmed network
_SLIM_NETWORKS = {"qat": "qat", "prune": "pruned", "distill_prune": "pruned"}


@dataclass(frozen=True)
class WeightsCheckpoint:
    """The checkpoint behind a `weights` value, as far as it is known."""

    #: "qat", "pruned", "float" or "other" (a local file that shares little with the model)
    kind: str
    #: where the facts come from ("official weights NAME", "local file PATH")
    source: str
    #: for official slim weights: the slim config they were trained with (tree-relative)
    slim_config: Optional[str] = None
    #: a short description of the evidence (tensor names, smaller shapes)
    detail: str = ""
    #: (tensors that load, tensors of the model) by ppdet's match_state_dict, when the file
    #: was read and the model's signature is known
    loads: Optional[tuple[int, int]] = None
    #: for a local QAT file: the onnx_format layout its tensor names show
    layout: Optional[QatLayout] = None


def model_shapes(identity: "ModelIdentity") -> Optional[Mapping[str, Shape]]:
    """The state-dict shapes of the model a config builds, from the committed signature of an
    official config that builds the same network; None when there is none."""

    if identity.architecture is None:
        return None
    found = stand_in(identity.model_json, identity.architecture)
    if found is None:
        return None
    signature = signature_of(*found)
    return dict(signature.shapes) if signature is not None else None


def local_weights(value: str, run_path: "os.PathLike[str] | str") -> Optional[str]:
    """The `.pdparams` file ppdet opens for a local `weights` value, when it exists."""
    if is_url(value):
        return None
    stem, _ = split_weights_suffix(value)
    path = os.path.join(os.fspath(run_path), os.path.expanduser(stem)) + ".pdparams"
    return path if os.path.isfile(path) else None


def from_entry(entry: "WeightEntry") -> WeightsCheckpoint:
    kind = _SLIM_NETWORKS.get(entry.slim_method or "", "float") if entry.kind == "slim" \
        else "float"
    return WeightsCheckpoint(kind, f"official weights {entry.name}", entry.slim_config,
                             f"{entry.slim_method} checkpoint" if entry.kind == "slim" else "")


def from_file(path: str, identity: "ModelIdentity") -> Optional[WeightsCheckpoint]:
    """A local checkpoint, read with the restricted unpickler (ConfigError when refused)."""
    checkpoint = read_checkpoint(path)
    model = model_shapes(identity)
    loads = None
    if model:
        loads = (len(match_state_dict(model, checkpoint.shapes).loaded), len(model))
    if checkpoint.is_qat:
        wrapped = [k for k in checkpoint.shapes if "._layer." in k][:1]
        detail = (f"paddleslim QAT tensor names such as {wrapped[0]}" if wrapped else
                  "paddleslim fake-quant scales")
        return WeightsCheckpoint("qat", f"local file {path}", detail=detail, loads=loads,
                                 layout=qat_layout(checkpoint.shapes))
    verdict = kind_against(checkpoint, model)
    detail = ""
    if verdict.kind == "pruned":
        key, got, want = verdict.smaller[0]
        detail = (f"{len(verdict.smaller)} tensors smaller than the model's, e.g. {key} "
                  f"{list(got)} instead of {list(want)}")
    return WeightsCheckpoint(verdict.kind, f"local file {path}", detail=detail, loads=loads)


def weights_checkpoint(value: str, entry: "WeightEntry | None", run_root: str,
                       identity: "ModelIdentity") -> Optional[WeightsCheckpoint]:
    """The checkpoint a `weights` value stands for; None when nothing is known about it.
    A local file wins over a registry name (it is what ppdet opens)."""
    path = local_weights(value, run_root)
    if path is not None:
        return from_file(path, identity)
    return from_entry(entry) if entry is not None else None
