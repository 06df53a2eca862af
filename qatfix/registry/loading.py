"""What official weights load into a model, from the committed signatures, without paddle.

The weights' side is the signature of the config that trained them (as the registry records it);
the model's side is the signature of an official config that builds the same network, taken to
the user's class count by the class facts of ppdet's builds (`registry.class_facts`): which
tensors follow `num_classes` and how. Where the facts do not reach the user's count, the class
layers are counted as the class counts suggest and the loading says what was not checked.
"""
from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Iterator, NamedTuple, Optional

from qatfix.model.load_forecast import LoadForecast, Verdict, classes_text, forecast
from qatfix.registry.loader import load_registry
from qatfix.registry.networks import official_config, official_networks, parameter_differences
from qatfix.registry.class_facts import ClassFacts, class_facts, facts_error, shapes_at
from qatfix.registry.signatures import configs_by_signature, signature_index, signature_of

if TYPE_CHECKING:
    from qatfix.model.identity import ModelIdentity
    from qatfix.model.signature import Signature
    from qatfix.registry.records import WeightEntry

#: entry kinds whose checkpoint is the state dict of the detector its config builds
_DETECTOR_CHECKPOINTS = ("detector", "pretrained")


class OfficialLoading(NamedTuple):
    """What loading one weights entry into one model does, and the signatures it stands on."""

    #: the official model's signature against the weights', at the official model's class count
    forecast: LoadForecast
    #: the model's class count: the user's, or the network's own when the config sets none
    #: (None: not known)
    model_classes: Optional[int]
    #: class layers that do not load for the user's class count; None: some, number unknown
    class_layers: Optional[int]
    #: the official config whose signature stands for the model ("develop:configs/...")
    model_source: str
    #: the config whose signature stands for the weights
    weights_source: str
    #: what was not checked, when the builds do not tell the model at the user's class count
    #: (the class layers are then counted as the class counts suggest); None: all of it was
    unchecked: Optional[str] = None

    @property
    def total(self) -> int:
        return self.forecast.total

    @property
    def at_defaults(self) -> int:
        return len(self.forecast.at_defaults)

    @property
    def loaded(self) -> Optional[int]:
        if self.class_layers is None:
            return None
        return self.total - self.at_defaults - self.class_layers

    @property
    def verdict(self) -> Verdict:
        """`fits`: every tensor loads; `classes`: all but the class layers; `other`: more."""
        if self.forecast.result.ambiguities or self.at_defaults:
            return "other"
        return "fits" if self.class_layers == 0 else "classes"

    @property
    def left_over(self) -> tuple[str, ...]:
        """Weight tensors left over in parts the model has (a deeper backbone's extra blocks)."""
        parts = {_part(key) for key in self.forecast.result.model_keys}
        return tuple(key for key in self.forecast.result.unused_weights if _part(key) in parts)

    def figure(self) -> str:
        """The key figure alone: `140 of 463 tensors load` (or what ppdet stops with)."""
        if self.forecast.result.ambiguities:
            return "ppdet stops loading them (a weight claimed twice)"
        loaded = self.loaded
        if loaded is None:
            if not self.at_defaults:
                return f"all but the class layers of {self.total} tensors load"
            return f"at most {self.total - self.at_defaults} of {self.total} tensors load"
        return f"{loaded} of {self.total} tensors load"

    def summary(self) -> str:
        """`747 of 771 state-dict tensors load; 18 start at their initial values (backbone
        alpha (18)); 6 class layers train from scratch for 80 classes`."""
        if self.forecast.result.ambiguities:
            return f"ppdet stops loading with: {self.forecast.result.error}"
        loaded = self.loaded
        if loaded is None:
            parts = [f"all but the class layers of {self.total} state-dict tensors load"
                     if not self.at_defaults else
                     f"at most {self.total - self.at_defaults} of {self.total} state-dict "
                     "tensors load"]
        else:
            parts = [f"{loaded} of {self.total} state-dict tensors load"]
        if self.at_defaults:
            parts.append(f"{self.at_defaults} start at their initial values "
                         f"({self.forecast.defaults_text()})")
        if self.class_layers:
            parts.append(f"{self.class_layers} class layers train from scratch"
                         + (f" for {classes_text(self.model_classes)}" if self.model_classes else ""))
        elif self.class_layers is None:
            parts.append("the class layers train from scratch"
                         + (f" for {classes_text(self.model_classes)}" if self.model_classes else ""))
        return "; ".join(parts)


def _part(key: str) -> str:
    return key.split(".", 1)[0]


def recipe_start_weights(identity: "ModelIdentity") -> frozenset[str]:
    """The `pretrain_weights` official configs of this network start from (canonical URLs): of
    every official config that builds the same state dict as the one standing in for the model."""
    found = stand_in(identity.model_json, identity.architecture)
    if found is None:
        return frozenset()
    entry = signature_index().entry(*found)
    starts = set()
    for tree, config in configs_by_signature().get(str(entry.get("signature")), ()) \
            if entry else ():
        facts = official_config(tree, config)
        if facts is not None and facts.pretrain_weights:
            starts.add(facts.pretrain_weights)
    return frozenset(starts)


def weights_signature(entry: "WeightEntry") -> Optional["Signature"]:
    """The state-dict signature of an official float checkpoint, from the config it was
    trained with."""
    if entry.kind not in _DETECTOR_CHECKPOINTS or not entry.tree or not entry.config:
        return None
    if entry.kind == "detector" and not entry.is_float_model:
        return None
    return signature_of(entry.tree, entry.config)


def stand_ins(model_json: str, architecture: Optional[str], prefer_tree: Optional[str] = None
              ) -> Iterator[tuple[str, str]]:
    """Official configs whose signature may stand for the model's, best first: those with the
    same model sections, then (when none has them) configs of official weights whose sections
    differ from the model's only in settings the builds show to change no tensor."""
    for network in official_networks(model_json, prefer_tree=prefer_tree):
        yield network.tree, network.config
    if architecture is None:
        return
    model = json.loads(model_json)
    for candidate in load_registry().of_architecture(architecture):
        if candidate.model is None or not candidate.tree or not candidate.config:
            continue
        if not parameter_differences(candidate.model, model):
            yield candidate.tree, candidate.config


@functools.lru_cache(maxsize=1024)
def stand_in(model_json: str, architecture: Optional[str], prefer_tree: Optional[str] = None
             ) -> Optional[tuple[str, str]]:
    """The first of `stand_ins` with a committed signature (one search per model and process:
    every candidate's fix safety asks again)."""
    for tree, config in stand_ins(model_json, architecture, prefer_tree):
        if signature_of(tree, config) is not None and official_config(tree, config) is not None:
            return tree, config
    return None


def official_loading(identity: "ModelIdentity", entry: "WeightEntry",
                     model_tree: Optional[str] = None) -> Optional[OfficialLoading]:
    """The exact loading forecast, or None when no committed signature stands for a side.

    `model_tree`: the registry tree of the checkout that builds the model (its ppdet decides
    the model's state dict); when unknown, the tree the weights were trained in."""
    weights = weights_signature(entry)
    if weights is None:
        return None
    found = stand_in(identity.model_json, identity.architecture, model_tree or entry.tree)
    if found is None:
        return None
    tree, config = found
    model = signature_of(tree, config)
    facts = official_config(tree, config)
    assert model is not None and facts is not None
    official_classes = facts.classes
    user_classes = identity.num_classes
    classes = class_facts(tree, config)
    if classes is not None:
        own = classes.num_classes if classes.num_classes is not None else official_classes
        wanted = own if user_classes is None else user_classes
        shapes = shapes_at(model, classes, wanted) if wanted is not None else None
        if shapes is not None:
            reference = shapes_at(model, classes, entry.num_classes) \
                if entry.num_classes is not None else None
            result = forecast(shapes, weights.shapes, model_classes=wanted,
                              weights_classes=entry.num_classes, class_keys=classes.class_keys,
                              at_weights_classes=reference)
            return OfficialLoading(result, wanted, len(result.class_layers),
                                   f"{tree}:{config}", f"{entry.tree}:{entry.config}")
    result = forecast(model.shapes, weights.shapes, model_classes=official_classes,
                      weights_classes=entry.num_classes)
    unchecked = None
    if user_classes == entry.num_classes:
        class_layers: Optional[int] = 0
    elif official_classes != entry.num_classes:
        class_layers = len(result.class_layers)
    else:  # the official model loads its class layers; the user's will not
        class_layers = None
    if user_classes is not None and user_classes != official_classes:
        error = facts_error(tree, config)
        why = (f"ppdet's builds of {config} at other class counts gave no rule ({error})"
               if error else f"{config} was not built at other class counts")
        if classes is not None:
            why = f"the class-count facts of {config} do not reach {user_classes} classes"
        unchecked = (f"what of {entry.name} loads into this model at num_classes: "
                     f"{user_classes} ({why})")
    return OfficialLoading(result, user_classes, class_layers, f"{tree}:{config}",
                           f"{entry.tree}:{entry.config}", unchecked)


class ModelAtClasses(NamedTuple):
    """The state dict the model builds at the run's class count, from the signature of the
    official config that stands for it and the class facts of ppdet's builds."""

    #: key -> shape at `classes`; None: the builds do not tell the model at that count
    shapes: Optional[dict[str, tuple[int, ...]]]
    #: the run's class count (the config's, or the network's own when it sets none)
    classes: Optional[int]
    #: how the network's tensors follow the class count; None: no facts for it
    facts: Optional[ClassFacts]
    signature: "Signature"
    #: the official config whose signature stands for the model ("develop:configs/...")
    source: str
    #: why `shapes` is None, or (with shapes) why the class layers are not known
    unchecked: Optional[str] = None


def model_at_classes(identity: "ModelIdentity", model_tree: Optional[str] = None
                     ) -> Optional[ModelAtClasses]:
    """The model's state dict at its class count; None when no committed signature stands for
    the model. `model_tree`: the registry tree of the checkout that builds the model."""
    found = stand_in(identity.model_json, identity.architecture, model_tree)
    if found is None:
        return None
    tree, config = found
    signature = signature_of(tree, config)
    official = official_config(tree, config)
    assert signature is not None and official is not None
    facts = class_facts(tree, config)
    own = facts.num_classes if facts is not None and facts.num_classes is not None \
        else official.classes
    wanted = identity.num_classes if identity.num_classes is not None else own
    source = f"{tree}:{config}"
    if facts is not None:
        shapes = shapes_at(signature, facts, wanted) if wanted is not None else None
        if shapes is not None:
            return ModelAtClasses(shapes, wanted, facts, signature, source)
        return ModelAtClasses(None, wanted, facts, signature, source,
                              f"the class-count facts of {config} do not reach "
                              f"{classes_text(wanted)}" if wanted is not None else
                              f"the class count of the model is not known")
    error = facts_error(tree, config)
    why = (f"ppdet's builds of {config} at other class counts gave no rule ({error})"
           if error else f"{config} was not built at other class counts")
    if wanted is not None and wanted == own:
        # the official build is the model itself; which tensors follow the class count is
        # what is not known
        return ModelAtClasses(dict(signature.shapes), wanted, None, signature, source, why)
    return ModelAtClasses(None, wanted, None, signature, source, why)
