"""QF106: a local `.pdparams` to train from (your own trained model, usually) against the model.

Official weights are known from the registry (QF101, QF104); a local file is read here without
paddle (the restricted unpickler of `qatfix.model.checkpoint`) and matched against the model's
committed signature exactly as ppdet's `match_state_dict` matches, so a checkpoint of another
network, a QAT checkpoint, or one trained for other classes is told before training starts.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Mapping, Optional

from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.model.load_forecast import describe_keys, forecast, weights_classes
from qatfix.model.matching import match_state_dict
from qatfix.registry.urls import is_url


def check_local(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "train" or ctx.role != "model":
        return
    key = ctx.weights_key
    value = ctx.get(key)
    if not isinstance(value, str) or not value.strip():
        return

    if is_url(value.strip()):
        return  # official weights are QF101's
    checkpoint = ctx.facts.local_checkpoint(value.strip(), ctx.run_root)
    if checkpoint is None:
        return  # a URL or a registry name (QF101), or a file that is not there (QF103)
    from qatfix.registry.checkpoints import model_shapes  # local weights only

    model: Optional[Mapping[str, Any]] = model_shapes(ctx.identity)
    where = ctx.location((key,))
    if not model:
        yield Issue(
            message=(f"{key} {value.strip()} is a local file and this model's network has no "
                     "committed signature: which of its tensors load was not checked (run "
                     "`qatfix --deep` to count them with paddle)"),
            location=where, severity="info")
        return
    classes = ctx.identity.num_classes
    trained_for = weights_classes(match_state_dict(model, checkpoint.shapes).shape_mismatches,
                                  classes)
    loading = forecast(model, checkpoint.shapes, model_classes=classes,
                       weights_classes=trained_for)
    if loading.verdict == "fits":
        return
    loaded, total = loading.loaded, loading.total
    if loading.result.ambiguities:
        yield Issue(
            message=(f"{key} {value.strip()} cannot be loaded into this model: one of its tensors "
                     "is the best match of two model tensors by ppdet's match_state_dict, which "
                     f"raises ValueError: {loading.result.error}; training stops before its "
                     "first step"),
            location=where, severity="error",
            data=(("ambiguities", [[a.weight_key, a.first_model_key, a.model_key]
                                   for a in loading.result.ambiguities]),))
        return
    if loading.verdict == "classes":
        yield Issue(
            message=(f"{key} {value.strip()} was trained for {trained_for} classes, the model "
                     f"has num_classes: {classes}: {loaded} of its {total} tensors load, and the "
                     f"{len(loading.class_layers)} class-dependent ones "
                     f"({describe_keys(loading.class_layers)}) start from their initial values"
                     + ("; QAT then trains the classifier from scratch at a fine-tuning "
                        "learning rate" if ctx.is_quant else "")),
            location=where, severity="warning" if ctx.is_quant else "info")
        return
    if checkpoint.is_qat:
        what = ("a QAT checkpoint (paddleslim's `._layer.` and fake-quant names): ppdet loads "
                f"{key} into the float model before the slim config wraps it")
    else:
        what = "a checkpoint of another network"
    yield Issue(
        message=(f"{key} {value.strip()} is {what}: {loaded} of the model's {total} tensors load "
                 f"by ppdet's match_state_dict (name and shape); {len(loading.at_defaults)} keep "
                 f"their initial values ({describe_keys(loading.at_defaults)}), and loading logs "
                 "INFO lines only"),
        location=where, severity="error",
        data=(("loaded", loaded), ("total", total)))


RULES = (
    Rule(
        code="QF106", name="local-weights-do-not-fit", severity="error",
        situations=(("warning",
                    "in QAT and PTQ when only the class layers differ"),
                    ("info",
                    "when only the class layers differ outside QAT and PTQ, or the network has no "
                    "committed signature (not counted)"),),
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
            "raise its ambiguity ValueError and training stop: an error in every run. Every "
            "tensor loading is said by silence; a model without a committed signature is "
            "reported as not checked."),
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
