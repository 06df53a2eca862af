"""QF102: a QAT/PTQ run starts from an ImageNet backbone checkpoint instead of a trained detector."""
from __future__ import annotations

from typing import Iterator

from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.quant.dead_keys import misspelt_weights_note
from qatfix.rules.example_text import QAT_SECTION
from qatfix.rules.weights.candidates import candidate_fixes


def check(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    if entry is None or not ctx.is_quant or entry.kind not in ("backbone", "pretrained"):
        return
    key = ctx.weights_key
    what = "an ImageNet backbone checkpoint" if entry.kind == "backbone" else \
        "a pre-training checkpoint"
    misspelt, related = misspelt_weights_note(ctx)
    yield Issue(
        message=(f"{key} {entry.name}{misspelt} is {what}, not a trained detector: {ctx.mode} "
                 "must start from the float model trained for this config (quantizing an "
                 "untrained head gives a useless model)"),
        location=ctx.location((key,)),
        related=related,
        fixes=candidate_fixes(ctx),
    )


RULES = (Rule(
    code="QF102", name="quantizing-a-backbone-checkpoint", severity="error",
    summary="QAT/PTQ starts from an ImageNet backbone checkpoint instead of a trained detector.",
    explanation=(
        "Model configs point `pretrain_weights` at an ImageNet backbone checkpoint (e.g. "
        "`PPLCNet_x0_75_pretrained.pdparams`) because ordinary training starts there. A slim "
        "config that does not override it makes QAT (or PTQ, through `weights`) quantize a "
        "network whose neck and head were never trained. Start from the float model trained for "
        "this config - your own `output/<config>/model_final` or the official detector weights."),
    fix_safety="your own trained model first when it exists (unsafe: qatfix cannot see what it "
               "holds); then, set in the slim config, the official float model of exactly this "
               "network, input size, classes and dataset (safe when no model of your own exists), "
               "then other official weights of the same network (unsafe).",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/example/quant.yml\n'
        '# configs/example/quant.yml\n'
        'slim: QAT\n' + QAT_SECTION
    ),
    instead=(
        'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
        'coco_lcnet.pdparams  (in the slim config)'
    ),
    evidence=(
        'tools/train.py loads `pretrain_weights` (ppdet/engine/trainer.py '
        '`load_weights` -> ppdet/utils/checkpoint.py `load_pretrain_weight`) '
        'after ppdet/slim/__init__.py `build_slim_model` merged the slim '
        'config; configs/picodet/picodet_s_320_coco_lcnet.yml points it at '
        'PPLCNet_x0_75_pretrained.pdparams, an ImageNet classifier.'
    ),
    check=check),)
