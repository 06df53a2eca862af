"""QF903, QF904, QF907: slim configs that do not do at eval/export/infer/post-quant what they say.

QF903 a Distill slim config outside training (ignored), QF904 tools/post_quant.py with a slim
config that is not PTQ, QF907 tools/export_model.py with a PTQ slim config (nothing calibrates).
"""
from __future__ import annotations

from collections.abc import Iterator

from qatfix.findings import Location
from qatfix.rules.base import Issue, Rule
from qatfix.rules.commands import STEP_SCRIPTS as ALL_STEP_SCRIPTS
from qatfix.rules.context import CheckContext

#: the steps that load the trained `weights`
STEP_SCRIPTS = {step: script for step, script in ALL_STEP_SCRIPTS.items() if step != "train"}


def _slim_location(ctx: CheckContext) -> Location:
    own = ctx.slim_own
    if own is not None:
        origin = own.origin(("slim",))
        if origin is not None and origin.line:
            return Location(origin.path, origin.line, origin.column)
        return Location(own.config_path, 1, 1)
    return ctx.location(())


def check_distill(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step not in STEP_SCRIPTS or ctx.role != "model" or ctx.slim_own is None:
        return
    if ctx.slim_own.get("slim") != "Distill":
        return
    yield Issue(
        message=(f"{STEP_SCRIPTS[ctx.step]} ignores a Distill slim config: ppdet's "
                 "build_slim_model returns the config unchanged outside training, so the run "
                 "uses the student model (-c) and `weights` alone; drop --slim_config, and give "
                 "the distilled student's checkpoint as weights"),
        location=_slim_location(ctx))


def check_post_quant(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "post_quant" or ctx.role != "model":
        return
    if ctx.mode == "PTQ":
        return
    if ctx.slim_own is None:
        message = ("tools/post_quant.py without a PTQ slim config has nothing to quantize with: "
                   "trainer.post_quant saves through `cfg.slim`, which only a PTQ slim config "
                   "sets; add --slim_config configs/slim/post_quant/....yml")
    else:
        message = (f"tools/post_quant.py with a {ctx.slim_own.get('slim')} slim config does no "
                   "post-training quantization: build_slim_model wraps the model for "
                   f"{ctx.slim_own.get('slim')} (a QAT config has no `ptq`, so the KL "
                   "calibration path is never taken) and the scales are never calibrated; "
                   "reported failing with KeyError 'target0'. Use a PTQ slim config (slim: PTQ)")
    yield Issue(message=message, location=_slim_location(ctx))


def check_ptq_export(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "export" or ctx.role != "model" or ctx.mode != "PTQ":
        return
    slim = ctx.slim_path or "THE_PTQ_CONFIG.yml"
    yield Issue(
        message=("tools/export_model.py with a PTQ slim config calibrates nothing: "
                 "build_slim_model wraps the model in PTQ observers, and trainer.export saves it "
                 "with paddle.jit.save (only QAT goes through save_quantized_model), without a "
                 "single calibration batch; with paddle 3.3.1 and PaddleSlim 2.6.0 the export "
                 "stops with `TypeError: float(Tensor) is not supported in static graph mode`; "
                 "post-training quantization is tools/post_quant.py, which runs quant_batch_num "
                 f"batches and saves the quantized model: run instead: python tools/post_quant.py "
                 f"-c {ctx.config_path} --slim_config {slim}"),
        location=_slim_location(ctx))


RULES = (
    Rule(
        code="QF903", name="distill-config-outside-training", severity="warning",
        summary="A Distill slim config at eval/export/infer/post-quant has no effect.",
        explanation=(
            "build_slim_model returns the config unchanged when mode is not 'train' and the "
            "slim config is Distill, so eval.py, export_model.py, infer.py and post_quant.py "
            "run the `-c` model with `weights` as if no slim config were given; users expecting "
            "the distilled model get whatever `weights` holds."),
        example=("qatfix python tools/eval.py -c configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml "
                 "--slim_config configs/slim/distill/ppyoloe_plus_distill_m_distill_s.yml"),
        instead=("python tools/eval.py -c configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml "
                 "-o weights=output/ppyoloe_plus_distill_m_distill_s/model_final"),
        fix_safety="no automatic fix (it is the command line).",
        evidence=("ppdet/slim/__init__.py build_slim_model: `if mode != 'train' and "
                  "slim_load_cfg['slim'] == 'Distill': return cfg` (develop and release-2.6)"),
        check=check_distill),
    Rule(
        code="QF904", name="post-quant-without-ptq", severity="error",
        summary="tools/post_quant.py with a slim config that is not PTQ (or none).",
        explanation=(
            "Post-training quantization needs a PTQ slim config: build_slim_model creates the "
            "PTQ object that calibrates and saves the quantized model. With a QAT config the "
            "model is wrapped in QAT fake-quant layers whose scales are never trained (threads "
            "report KeyError 'target0'); with none, trainer.post_quant has no `cfg.slim`."),
        example=("qatfix python tools/post_quant.py -c configs/picodet/picodet_s_416_coco_lcnet.yml "
                 "--slim_config configs/slim/quant/picodet_s_416_lcnet_quant.yml"),
        instead=("python tools/post_quant.py -c configs/ppyolo/ppyolo_mbv3_large_coco.yml "
                 "--slim_config configs/slim/post_quant/ppyolo_mbv3_large_ptq.yml"),
        fix_safety="no automatic fix (it is the command line).",
        evidence=("ppdet/slim/__init__.py build_slim_model (PTQ branch vs the QAT `else` "
                  "branch); ppdet/engine/trainer.py Trainer.post_quant (`kl_quant = "
                  "hasattr(self.cfg.slim, 'ptq')`, `self.cfg.slim.save_quantized_model`)"),
        check=check_post_quant),
    Rule(
        code="QF907", name="ptq-config-at-export", severity="error",
        summary="tools/export_model.py with a PTQ slim config: nothing is calibrated.",
        explanation=(
            "A PTQ slim config belongs to tools/post_quant.py: Trainer.post_quant runs "
            "`quant_batch_num` batches through the observers and saves with PaddleSlim's "
            "save_quantized_model. export_model.py builds the same observer-wrapped model but "
            "Trainer.export saves it with paddle.jit.save (save_quantized_model is for QAT "
            "only), with no calibration; on paddle 3.3.1 with PaddleSlim 2.6.0 the observers "
            "do not even convert to a static graph."),
        example=("qatfix python tools/export_model.py -c configs/ppyolo/ppyolo_mbv3_large_coco.yml "
                 "--slim_config configs/slim/post_quant/ppyolo_mbv3_large_ptq.yml"),
        instead=("python tools/post_quant.py -c configs/ppyolo/ppyolo_mbv3_large_coco.yml "
                 "--slim_config configs/slim/post_quant/ppyolo_mbv3_large_ptq.yml"),
        fix_safety="no automatic fix (it is the command line): the message gives the command.",
        evidence=("ppdet/slim/__init__.py build_slim_model (PTQ branch); ppdet/engine/trainer.py "
                  "Trainer.export (`'QAT' not in slim_type`: paddle.jit.save) and "
                  "Trainer.post_quant; measured: develop's export of picodet_s_320_coco_lcnet "
                  "with configs/slim/post_quant/picodet_s_ptq.yml on paddle 3.3.1 fails in "
                  "dy2static with TypeError float(Tensor)"),
        check=check_ptq_export),
)
