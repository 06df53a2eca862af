"""QF403: the slim config sets the weights key that this kind of run does not load."""
from __future__ import annotations

from typing import Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext


def check(ctx: CheckContext) -> Iterator[Issue]:
    slim = ctx.slim_path
    if not slim or ctx.slim_own is None or ctx.role != "model" or ctx.mode == "train" \
            or ctx.step != "train":
        return
    own = ctx.slim_own.data
    wanted = ctx.weights_key
    other = "pretrain_weights" if wanted == "weights" else "weights"
    if other not in own or wanted in own:
        return
    origin = own.origins.get(other)
    if origin is None or origin.path != slim:
        return
    loader = "PTQ (tools/post_quant.py)" if wanted == "weights" else f"{ctx.mode} training"
    yield Issue(
        message=(f"{loader} loads `{wanted}`, but the slim config sets `{other}` "
                 f"({own[other]}); it is ignored and the run uses "
                 f"{ctx.get(wanted)!r} instead"),
        location=ctx.location((other,)) if ctx.origin((other,)) else ctx.location(()),
        fixes=(PlannedFix(f"Rename `{other}` to `{wanted}` in the slim config", "safe",
                          (Change.rename((other,), wanted, path=slim),)),),
    )


RULES = (Rule(
    code="QF403", name="weights-key-for-mode", severity="warning",
    summary="`pretrain_weights` set where `weights` is loaded, or the reverse.",
    explanation=(
        "QAT and pruning build the model and load `pretrain_weights`; post-training quantization "
        "(PTQ) loads `weights`. A slim config that sets the other key is ignored without a word, "
        "and the run starts from whatever the model config says. Example: a PTQ config with "
        "`pretrain_weights: output/model_final` quantizes the model config's `weights` instead."),
    fix_safety="safe: only the key name changes, to the one this kind of run reads.",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/example/ptq.yml\n'
        '# configs/example/ptq.yml\n'
        'pretrain_weights: output/picodet_s_320_coco_lcnet/model_final\n'
        'slim: PTQ\n'
        'PTQ:\n'
        "  ptq_config: {'activation_quantizer': 'HistQuantizer', "
        "'upsample_bins': 127, 'hist_percent': 0.999}\n"
        '  quant_batch_num: 10\n'
        '  fuse: True\n'
    ),
    instead=(
        'weights: output/picodet_s_320_coco_lcnet/model_final'
    ),
    evidence=(
        'ppdet/slim/__init__.py `build_slim_model`: for `slim: PTQ` it calls '
        '`load_pretrain_weight(model, cfg.weights)`; for QAT and pruning the '
        'trainer loads `pretrain_weights`.'
    ),
    check=check),)
