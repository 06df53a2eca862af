"""QF106: a local `.pdparams` to train from (your own trained model, usually) against the model.

Official weights are known from the registry (QF101, QF104); a local file is read here without
paddle (the restricted unpickler of `qatfix.model.checkpoint`) and matched against the model's
signature at the config's class count (`CheckContext.model_at_classes`: the committed signature
taken there by the class facts of ppdet's builds) exactly as ppdet's `match_state_dict` matches,
so a checkpoint of another network, a QAT checkpoint, or one trained for other classes is told
before training starts. Where the facts do not decide it, the finding says what was not checked.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Mapping, Optional

from qatfix.findings import Location
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.model.load_forecast import classes_text, describe_keys, forecast
from qatfix.model.matching import match_state_dict
from qatfix.registry.class_facts import classes_of, shapes_at
from qatfix.registry.urls import is_url


def _not_checked(key: str, value: str, what: str, where: Location) -> Issue:
    return Issue(message=(f"{key} {value} is a local file: {what} was not checked (--deep "
                          "counts it with paddle)"),
                 location=where, severity="info", data=(("not_checked", what),))


def check_local(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "train" or ctx.role != "model":
        return
    key = ctx.weights_key
    value = ctx.get(key)
    if not isinstance(value, str) or not value.strip():
        return

    if is_url(value.strip()):
        return  # official weights are QF101's
    from qatfix.registry.checkpoints import local_weights

    path = local_weights(value.strip(), ctx.run_root)
    if path is None:
        return  # a URL or a registry name (QF101), or a file that is not there (QF103)
    from qatfix.model.checkpoint import read_checkpoint

    checkpoint = read_checkpoint(path)
    value = value.strip()
    at = ctx.model_at_classes
    where = ctx.location((key,))
    if at is None:
        yield _not_checked(key, value, "which of its tensors load into this model (no official "
                           "config of this network was built)", where)
        return
    classes = at.classes
    if at.shapes is None:
        yield _not_checked(key, value, f"which of its tensors load into this model at "
                           f"num_classes: {classes} ({at.unchecked})", where)
        return
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
    if at.facts is None and not checkpoint.is_qat:
        # the model's tensors are known, not which of them follow the class count
        missing = len(loading.at_defaults)
        yield _not_checked(
            key, value, f"whether the {missing} of the model's {total} tensors that do not load "
            f"({loaded} load, by ppdet's match_state_dict) are class layers (your own model of "
            f"another class count) or another network's ({at.unchecked})", where)
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
                    "when only the class layers differ outside QAT and PTQ, or what loads was "
                    "not checked: no committed signature of the network, or no class-count "
                    "facts for it at the config's num_classes (--deep counts it)"),),
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
            "tensor loading is said by silence; a model without a committed signature, or "
            "without class-count facts where they decide the verdict, is reported as not "
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
