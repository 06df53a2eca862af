"""QF106: a local `.pdparams` to train from (your own trained model, usually) against the model.

Official weights are known from the registry (QF101, QF104); a local file is read here without
paddle (the restricted unpickler of `qatfix.model.checkpoint`) and matched against the model's
signature at the config's class count (`CheckContext.model_at_classes`: the committed signature
taken there by the class facts of ppdet's builds) exactly as ppdet's `match_state_dict` matches,
so a checkpoint of another network, a QAT checkpoint, or one trained for other classes is told
before training starts. Where the facts do not decide it, QF107 says what was not checked.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Mapping, NamedTuple, Optional

from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.model.load_forecast import LoadForecast, classes_text, describe_keys, forecast
from qatfix.model.matching import match_state_dict
from qatfix.registry.class_facts import classes_of, shapes_at

if TYPE_CHECKING:
    from qatfix.model.checkpoint import Checkpoint


class LocalLoading(NamedTuple):
    """What ppdet loads of a local checkpoint the run trains from, as far as the facts tell."""

    value: str
    checkpoint: Checkpoint
    #: None when what loads is not known (`unchecked` says why)
    loading: Optional[LoadForecast]
    #: the class count the checkpoint was trained for, told by the class facts from its shapes
    trained_for: Optional[int]
    #: the model's class count
    classes: Optional[int]
    #: what was not checked (QF107 says it), or None
    unchecked: Optional[str] = None


def local_loading(ctx: CheckContext) -> Optional[LocalLoading]:
    """The loading of the local `.pdparams` a training run starts from into the model at its
    class count (`ctx.model_at_classes`); None when the run trains from no local file."""
    if ctx.step != "train" or ctx.role != "model":
        return None
    found = ctx.local_checkpoint
    if found is None:
        return None  # a URL or a registry name (QF101), or a file that is not there (QF103)
    value, checkpoint = found
    at = ctx.model_at_classes
    if at is None:
        return LocalLoading(value, checkpoint, None, None, None,
                            f"which tensors of {value} (a local file) load into this model (no "
                            "official config of this network was built)")
    classes = at.classes
    if at.shapes is None:
        return LocalLoading(value, checkpoint, None, None, classes,
                            f"which tensors of {value} (a local file) load into this model at "
                            f"num_classes: {classes} ({at.unchecked})")
    trained_for: Optional[int] = None
    reference: Optional[Mapping[str, tuple[int, ...]]] = None
    if at.facts is not None:
        trained_for = classes_of(at.facts, checkpoint.shapes)
        if trained_for is None:
            # keyed as the model's state dict only after ppdet's suffix matching
            result = match_state_dict(at.shapes, checkpoint.shapes)
            trained_for = classes_of(at.facts, {m.model_key: m.weight_shape
                                                for m in result.shape_mismatches})
        # a class-dependent tensor that does not load is a class layer when it would load at
        # the count the checkpoint was built at (its shape there is the checkpoint's)
        if trained_for is None:
            reference = {}  # no count explains the checkpoint's class-dependent shapes
        elif trained_for == classes:
            reference = at.shapes
        else:
            reference = shapes_at(at.signature, at.facts, trained_for)
    loading = forecast(at.shapes, checkpoint.shapes, model_classes=classes,
                       weights_classes=trained_for,
                       class_keys=at.facts.class_keys if at.facts is not None else frozenset(),
                       at_weights_classes=reference)
    unchecked = None
    if at.facts is None and not checkpoint.is_qat and loading.verdict != "fits" \
            and not loading.result.ambiguities:
        # the model's tensors are known, not which of them follow the class count
        unchecked = (f"whether the {len(loading.at_defaults)} of the model's {loading.total} "
                     f"tensors that {value} (a local file) does not load ({loading.loaded} "
                     "load, by ppdet's match_state_dict) are class layers (your own model of "
                     f"another class count) or another network's ({at.unchecked})")
    return LocalLoading(value, checkpoint, loading, trained_for, classes, unchecked)


def check_local(ctx: CheckContext) -> Iterator[Issue]:
    found = local_loading(ctx)
    if found is None or found.loading is None or found.unchecked is not None:
        return  # nothing to say, or what was not checked (QF107)
    key, value, loading, checkpoint = ctx.weights_key, found.value, found.loading, \
        found.checkpoint
    classes, trained_for = found.classes, found.trained_for
    where = ctx.location((key,))
    if loading.verdict == "fits":
        return
    loaded, total = loading.loaded, loading.total
    figure = (("loaded", loaded), ("tensors", total))
    if loading.result.ambiguities:
        yield Issue(
            message=(f"{key} {value} cannot be loaded into this model: one of its tensors "
                     "is the best match of two model tensors by ppdet's match_state_dict, which "
                     f"raises ValueError: {loading.result.error}; training stops before its "
                     "first step"),
            location=where, severity="error",
            data=(("ambiguities", [[a.weight_key, a.first_model_key, a.model_key]
                                   for a in loading.result.ambiguities]),))
        return
    if loading.verdict == "classes":
        count = classes_text(trained_for) if trained_for is not None else \
            "another class count"
        yield Issue(
            message=(f"{key} {value} was trained for {count}, the model has "
                     f"num_classes: {classes}: {loaded} of its {total} tensors load, and the "
                     f"{len(loading.class_layers)} class-dependent ones "
                     f"({describe_keys(loading.class_layers)}) start from their initial values"
                     + ("; QAT then trains the classifier from scratch at a fine-tuning "
                        "learning rate" if ctx.is_quant else "")),
            location=where, severity="warning" if ctx.is_quant else "info",
            data=(*figure, ("class_layers", len(loading.class_layers)),
                  ("trained_for", trained_for)))
        return
    if checkpoint.is_qat:
        what = ("a QAT checkpoint (paddleslim's `._layer.` and fake-quant names): ppdet loads "
                f"{key} into the float model before the slim config wraps it")
    else:
        what = "a checkpoint of another network"
    yield Issue(
        message=(f"{key} {value} is {what}: {loaded} of the model's {total} tensors load "
                 f"by ppdet's match_state_dict (name and shape); {len(loading.at_defaults)} keep "
                 f"their initial values ({describe_keys(loading.at_defaults)}), and loading logs "
                 "INFO lines only"),
        location=where, severity="error",
        data=(*figure, ("total", total)))


RULES = (
    Rule(
        code="QF106", name="local-weights-do-not-fit", severity="error",
        situations=(("warning",
                    "in QAT and PTQ when only the class layers differ"),
                    ("info",
                    "when only the class layers differ outside QAT and PTQ"),),
        summary="A local .pdparams to train from does not fit the model.",
        explanation=(
            "Training (and QAT, pruning, PTQ) often starts from your own trained model, a "
            "local `model_final.pdparams`. qatfix reads its tensor names and shapes without "
            "paddle and matches them against the model's signature as ppdet's "
            "match_state_dict does: a checkpoint of another variant, a QAT checkpoint given as "
            "pretrain_weights (ppdet loads it into the float model before QAT wraps it), or one "
            "trained for other classes leaves tensors at their initial values while ppdet logs "
            "only INFO lines. A checkpoint one of whose tensors is the best match of two model "
            "tensors (keys cut short, or both `res5...` and `backbone.res5...`) makes ppdet "
            "raise its ambiguity ValueError and training stop: an error in every run. The "
            "model is the network at the config's `num_classes`, taken there by the class-count "
            "facts of ppdet's builds (which tensors follow the class count, and how), as for "
            "official weights (QF104, QF107); a tensor that does not load is a class layer when "
            "the facts show it follows the class count and it would load at the count the "
            "checkpoint was trained for (told by the same facts from its shapes). Every "
            "tensor loading is said by silence; for a model without a committed signature, or "
            "without class-count facts where they decide the verdict, QF107 says what was not "
            "checked (--deep counts it)."),
        example=("qatfix configs/picodet/legacy_model/picodet_s_320_coco.yml "
                 "configs/slim/quant/my_picodet_qat.yml\n"
                 "# output/lcnet_model_final.pdparams: the LCNet PicoDet's state dict, made by "
                 "the example's preparation\n"
                 "# configs/slim/quant/my_picodet_qat.yml\n"
                 "pretrain_weights: output/lcnet_model_final.pdparams\n"
                 "slim: QAT\n" + QAT_SECTION),
        instead="pretrain_weights: the model_final.pdparams of this very model's training",
        fix_safety="no automatic fix: only you know where the right checkpoint is.",
        evidence=("ppdet/utils/checkpoint.py load_pretrain_weight and match_state_dict (name "
                  "suffix and shape; unmatched tensors logged at INFO); ppdet/slim/__init__.py "
                  "build_slim_model (pretrain_weights loaded before the slim wraps the model); "
                  "tests compare the count with ppdet's own loader"),
        check=check_local),
)
