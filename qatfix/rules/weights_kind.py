"""QF102: a QAT/PTQ run starts from an ImageNet backbone checkpoint instead of a trained detector."""
from __future__ import annotations

from typing import Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.weights_fit import candidate_fixes
from qatfix.rules.weights_missing import own_trained_models


def check(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    if entry is None or not ctx.is_quant or entry.kind not in ("backbone", "pretrained"):
        return
    key = ctx.weights_key
    own = tuple(PlannedFix(f"Load your own trained float model {path}", "unsafe",
                           (Change("set", (key,), path),), value=path)
                for path in own_trained_models(ctx))
    what = "an ImageNet backbone checkpoint" if entry.kind == "backbone" else \
        "a pre-training checkpoint"
    yield Issue(
        message=(f"{key} {entry.name} is {what}, not a trained detector: {ctx.mode} must start "
                 "from the float model trained for this config (quantizing an untrained head "
                 "gives a useless model)"),
        location=ctx.location((key,)),
        fixes=own + tuple(f if not own else PlannedFix(f.title, "unsafe", f.changes, f.value)
                          for f in candidate_fixes(ctx)),
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
    fix_safety="unsafe: offers your own trained model when it exists, then official weights of "
               "the same network; which one is right depends on what you trained.",
    check=check),)
