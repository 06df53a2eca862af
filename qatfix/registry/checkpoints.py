"""What a `weights` value holds: an official slim or float checkpoint (from the registry), or a
local `.pdparams` file read without paddle and compared with the model's signature.

This is what tools/eval.py, export_model.py, infer.py and post_quant.py load, so a QAT or pruned
checkpoint can be told from a float one before those scripts load it into the wrong network.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional

from qatfix.errors import QatfixError
from qatfix.model.checkpoint import Checkpoint, Shape, kind_against, read_checkpoint
from qatfix.model.quant_format import QatLayout, qat_layout
from qatfix.registry.urls import is_url, split_weights_suffix
from qatfix.registry.class_facts import class_facts, shapes_at
from qatfix.registry.loading import stand_in
from qatfix.registry.networks import official_config
from qatfix.registry.signatures import configs_matching, configs_with_keys, signature_of
from qatfix.registry.signatures import signature_index, signature_of
from qatfix.registry.signatures import signature_of
from qatfix.model.matching import match_state_dict
from qatfix.model.load_forecast import weights_classes

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
    #: the class count the file was trained for, when only its class layers differ from the
    #: model's (a float checkpoint of the same network for another dataset)
    classes: Optional[int] = None


def model_shapes(identity: "ModelIdentity") -> Optional[Mapping[str, Shape]]:
    """The state-dict shapes of the model a config builds, from the committed signature of an
    official config that builds the same network, at the config's class count where ppdet's
    builds give the class-dependent shapes (the stand-in may have been built for another count);
    None when there is none."""

    if identity.architecture is None:
        return None
    found = stand_in(identity.model_json, identity.architecture)
    if found is None:
        return None
    signature = signature_of(*found)
    if signature is None:
        return None
    facts = class_facts(*found) if identity.num_classes is not None else None
    at_classes = shapes_at(signature, facts, identity.num_classes) \
        if facts is not None and identity.num_classes is not None else None
    return at_classes if at_classes is not None else dict(signature.shapes)


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


def facts_against(checkpoint: Checkpoint, model: Optional[Mapping[str, Shape]],
                  source: str, model_classes: Optional[int] = None) -> WeightsCheckpoint:
    """What a read checkpoint is against the float network `model` (None: unknown): QAT by
    paddleslim's wrapper names, pruned by tensors smaller than the model's, else float; and how
    many of the model's tensors ppdet's match_state_dict loads from it. With the model's class
    count, smaller tensors that one other class count explains (the head's class outputs) make a
    float checkpoint trained for that count, not a pruned one. The one judgement of a
    checkpoint's kind: QF901/QF902 and `qatfix inspect` come here, QF106 reads the same
    checkpoint record."""
    loads = None
    match = None
    if model:
        match = match_state_dict(model, checkpoint.shapes)
        loads = (len(match.loaded), len(model))
    if checkpoint.is_qat:
        wrapped = [k for k in checkpoint.shapes if "._layer." in k][:1]
        detail = (f"paddleslim QAT tensor names such as {wrapped[0]}" if wrapped else
                  "paddleslim fake-quant scales")
        return WeightsCheckpoint("qat", source, detail=detail, loads=loads,
                                 layout=qat_layout(checkpoint.shapes))
    verdict = kind_against(checkpoint, model)
    detail = ""
    if verdict.kind == "pruned" and match is not None:
        classes = weights_classes(match.shape_mismatches, model_classes)
        if classes is not None:
            detail = (f"{len(match.shape_mismatches)} class-dependent tensors for {classes} "
                      f"classes where the model has {model_classes}, e.g. "
                      f"{match.shape_mismatches[0].model_key}")
            return WeightsCheckpoint("float", source, detail=detail, loads=loads, classes=classes)
    if verdict.kind == "pruned":
        key, got, want = verdict.smaller[0]
        detail = (f"{len(verdict.smaller)} tensors smaller than the model's, e.g. {key} "
                  f"{list(got)} instead of {list(want)}")
    return WeightsCheckpoint(verdict.kind, source, detail=detail, loads=loads)


def from_file(path: str, identity: "ModelIdentity") -> Optional[WeightsCheckpoint]:
    """A local checkpoint, read with the restricted unpickler (ConfigError when refused)."""
    return facts_against(read_checkpoint(path), model_shapes(identity), f"local file {path}")


#: how a registry entry matches a checkpoint: "signature" (the network its config builds, and
#: the same kind: float, QAT or pruned), "file name" (named like its download; the entry's
#: network is not known here), "file name, other signature" (named like it, but another
#: network or kind)
How = Literal["signature", "file name", "file name, other signature"]
_HOW_ORDER = ("signature", "file name", "file name, other signature")


@dataclass(frozen=True)
class RegistryMatch:
    """An official weights file the checkpoint corresponds to, and how strongly."""

    name: str
    url: str
    how: How
    #: "float", "qat" or "pruned": what the official file holds
    kind: str
    #: the slim config the official file was trained with (slim weights)
    slim_config: Optional[str] = None


@dataclass(frozen=True)
class CheckpointIdentity:
    """What a checkpoint file is, without a model to compare it with: its kind, the configs
    whose network it holds (from the signature store), the load figure against that network,
    and the official weights of that network and kind."""

    checkpoint: Checkpoint
    #: kind, evidence, load figure (against the first config's network) and QAT layout
    facts: WeightsCheckpoint
    #: (config, trees) whose float network the checkpoint holds, configs named in its path
    #: first (ppdet saves to `output/<config name>/model_final.pdparams`)
    configs: tuple[tuple[str, tuple[str, ...]], ...]
    matches: tuple[RegistryMatch, ...]
    #: registry entries known (0: no registry available)
    registry_entries: int
    #: registry entries named like the file whose network is not stored (a ppdet build of
    #: their `model` sections can confirm them)
    unconfirmed: tuple["WeightEntry", ...] = ()
    #: the class count of the network's first config, when known
    network_classes: Optional[int] = None


def _named_first(found: list[tuple[str, str]], path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    trees: dict[str, list[str]] = {}
    for tree, config in found:
        trees.setdefault(config, []).append(tree)
    parts = set(os.path.normpath(os.path.abspath(path)).split(os.sep))
    parts |= {os.path.splitext(p)[0] for p in parts}

    def named(config: str) -> bool:
        return os.path.splitext(os.path.basename(config))[0] in parts

    ordered = sorted(trees, key=lambda config: (not named(config), config))
    return tuple((config, tuple(trees[config])) for config in ordered)


@dataclass(frozen=True)
class NetworkOf:
    """The stored configs whose float network a checkpoint holds."""

    #: (tree, config), the closest first
    configs: tuple[tuple[str, str], ...] = ()
    #: that network's tensors (the first config's signature)
    shapes: Optional[Mapping[str, Shape]] = None
    #: the first config's class count, when the registry's networks know it
    classes: Optional[int] = None


def network_of(checkpoint: Checkpoint) -> NetworkOf:
    """The store's configs with exactly the checkpoint's tensors under the float network's names
    (a QAT checkpoint's wrapped names unwrapped); else those with the same names and some
    shapes smaller (pruned, or trained for another class count), sharing the most unchanged
    tensors with it. Empty when no stored config has its names."""

    names = checkpoint.float_names()
    try:
        found: list[tuple[str, str]] = configs_matching(names)
        shapes: Optional[Mapping[str, Shape]] = None
        if found:
            exact = signature_of(*found[0])
            shapes = exact.shapes if exact is not None else None
        else:
            view = Checkpoint(checkpoint.path, names)
            smaller = []
            for tree, config, signature in configs_with_keys(list(names)):
                verdict = kind_against(view, signature.shapes)
                if verdict.kind == "pruned":
                    smaller.append((verdict.same, tree, config, signature))
            if not smaller:
                return NetworkOf()
            best = max(same for same, *_ in smaller)
            closest = [(tree, config, signature) for same, tree, config, signature in smaller
                       if same == best]
            found = [(tree, config) for tree, config, _ in closest]
            shapes = closest[0][2].shapes
        facts = official_config(*found[0])
    except QatfixError:  # no store shipped, or a broken one: nothing to match against
        return NetworkOf()
    return NetworkOf(tuple(found), dict(shapes) if shapes is not None else None,
                     facts.classes if facts is not None else None)


def _stored_shapes(entry: "WeightEntry") -> Optional[Mapping[str, Shape]]:
    """The stored float network of an entry's config, from its own tree first."""

    if not entry.config:
        return None
    try:
        trees = [entry.tree] if entry.tree else []
        trees += sorted(t for t in signature_index().trees if t != entry.tree)
        for tree in trees:
            found = signature_of(tree, entry.config)
            if found is not None:
                return found.shapes
    except QatfixError:
        return None
    return None


def entry_match(entry: "WeightEntry", kind: str, network: Optional[Mapping[str, Shape]],
                entry_network: Optional[Mapping[str, Shape]], named: bool,
                exact: bool = True) -> Optional[How]:
    """How `entry` matches a checkpoint of `kind` holding `network` (float names; `exact`: all
    of it, not only its names), given the network the entry's config builds (`entry_network`,
    None: not known); None: no match. Pruned weights keep the network's names only."""
    official = from_entry(entry).kind
    if entry_network is not None and network is not None and official == kind and \
            (exact or kind == "pruned") and dict(entry_network) == dict(network):
        return "signature"
    if not named:
        return None
    return "file name" if entry_network is None else "file name, other signature"


def identify(path: str, registry: Any = None) -> CheckpointIdentity:
    """Read `path` with the restricted reader (ConfigError when refused) and say what it is."""
    checkpoint = read_checkpoint(path)
    network_found = network_of(checkpoint)
    found, network = network_found.configs, network_found.shapes
    facts = facts_against(checkpoint, network, f"local file {path}", network_found.classes)
    configs = _named_first(list(found), path)
    exact = network is not None and checkpoint.float_names() == dict(network)
    matches: list[RegistryMatch] = []
    unconfirmed = []
    if registry is not None:
        named = {e.url for e in registry.get_local_path(path)}
        config_paths = {config for _, config in found}
        for entry in registry:
            if entry.url not in named and entry.config not in config_paths:
                continue
            entry_network = _stored_shapes(entry)
            how = entry_match(entry, facts.kind, network, entry_network, entry.url in named,
                              exact)
            if how is None:
                continue
            if how == "file name" and entry.model:
                unconfirmed.append(entry)
            matches.append(RegistryMatch(entry.name, entry.url, how, from_entry(entry).kind,
                                         entry.slim_config))
        matches.sort(key=lambda m: (_HOW_ORDER.index(m.how), m.url not in named, m.name))
    return CheckpointIdentity(checkpoint, facts, configs, tuple(matches),
                              len(registry) if registry is not None else 0, tuple(unconfirmed),
                              network_found.classes)


def weights_checkpoint(value: str, entry: "WeightEntry | None", run_root: str,
                       identity: "ModelIdentity") -> Optional[WeightsCheckpoint]:
    """The checkpoint a `weights` value stands for; None when nothing is known about it.
    A local file wins over a registry name (it is what ppdet opens)."""
    path = local_weights(value, run_root)
    if path is not None:
        return from_file(path, identity)
    return from_entry(entry) if entry is not None else None
