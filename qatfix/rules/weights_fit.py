"""QF101: the weights were trained as another network; QF104: only the class count differs."""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.weights_candidates import candidate_fixes


def _parse_backbone(text: str) -> tuple[str, dict[str, str]]:
    """`LCNet(scale 0.75)` -> ("LCNet", {"scale": "0.75"})."""
    name, _, rest = text.partition("(")
    settings = {}
    for part in rest.rstrip(")").split(","):
        key, _, value = part.strip().partition(" ")
        if key:
            settings[key] = value
    return name.strip(), settings


def backbones_differ(in_weights: str, in_model: str) -> bool:
    """Different backbone class, or a setting both name (scale, depth, ...) that differs."""
    name_w, settings_w = _parse_backbone(in_weights)
    name_m, settings_m = _parse_backbone(in_model)
    if name_w != name_m:
        return True
    return any(settings_w[k] != settings_m[k] for k in settings_w.keys() & settings_m.keys())


def _backbone_issue(ctx: CheckContext, entry: Any) -> Iterator[Issue]:
    model_backbone = ctx.identity.backbone
    if not entry.backbone or not model_backbone or not backbones_differ(entry.backbone,
                                                                         model_backbone):
        return
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} is an ImageNet {entry.backbone} checkpoint, but "
                 f"the model's backbone is {model_backbone}: its weights cannot load"),
        location=ctx.location((ctx.weights_key,)),
        severity="error",
    )


def check_fit(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    if entry is None or ctx.identity.architecture is None:
        return
    if entry.kind == "backbone":
        yield from _backbone_issue(ctx, entry)
        return
    if entry.model is None or not entry.is_float_model and entry.kind != "pretrained":
        return
    differences = ctx.weights_differences
    if not differences:
        return
    what = "; ".join(d.message for d in differences[:3])
    more = f" (+{len(differences) - 3} more)" if len(differences) > 3 else ""
    trained = f" with {entry.config}" if entry.config else ""
    legacy = f"; it is a legacy model superseded by {entry.superseded_by}" \
        if entry.superseded_by else ""
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} was trained{trained} as another network: "
                 f"{what}{more}{legacy}. ppdet loads only the layers that happen to match and "
                 "trains the rest from scratch, printing nothing but INFO lines"),
        location=ctx.location((ctx.weights_key,)),
        fixes=candidate_fixes(ctx),
        severity="error" if ctx.mode != "train" else "warning",
        data=(("weights", entry.name), ("differences", [d.where for d in differences])),
    )


def check_classes(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    identity = ctx.identity
    if entry is None or entry.kind == "backbone" or entry.model is None:
        return
    if entry.num_classes is None or identity.num_classes is None:
        return
    if entry.num_classes == identity.num_classes or ctx.weights_differences:
        return
    quant = ctx.is_quant
    advice = ("QAT should start from the float model you trained on this dataset"
              if quant else "the class-dependent head layers train from scratch, as intended "
                            "for fine-tuning")
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} was trained for {entry.num_classes} classes, the "
                 f"model has num_classes: {identity.num_classes}: {advice}"),
        location=ctx.location((ctx.weights_key,)),
        related=(ctx.location(("num_classes",)),),
        severity="warning" if quant else "info",
    )


RULES = (
    Rule(code="QF101", name="weights-do-not-fit", severity="error",
         summary="The weights were trained as a different network than the config builds.",
         explanation=(
             "The registry knows what network each official weights file was trained as (its "
             "architecture, backbone with scale, neck and head sections). When those differ from "
             "the effective config beyond the class count, ppdet's loader matches layers by name "
             "and shape, loads the few that agree, and trains the rest from random values, "
             "printing only INFO lines. Example: PicoDet-S-320 with the LCNet backbone quantized "
             "from the legacy ESNet `picodet_s_320_coco.pdparams` loads 140 of 463 parameters. "
             "An ImageNet backbone checkpoint of another backbone or scale cannot load at all."),
         fix_safety="safe when the proposed official weights are of exactly the same network, "
                    "input size and class count; other candidates are offered as unsafe.",
         check=check_fit),
    Rule(code="QF104", name="weights-class-count", severity="info",
         summary="The weights fit except for the class-dependent layers.",
         explanation=(
             "Weights trained on COCO (80 classes) fit a model with `num_classes: 4` except for "
             "the classification layers, which ppdet skips and trains from scratch. That is how "
             "fine-tuning works, so for ordinary training this is information. For QAT it is a "
             "warning: quantization-aware training should start from the float model you trained "
             "on your own dataset, not from the COCO model."),
         fix_safety="no automatic fix: the right weights are your own trained model.",
         check=check_classes),
)
