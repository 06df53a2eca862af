"""QF302: a QAT fine-tuning schedule with the float recipe's learning rate; QF303: DropBlock
left on while QAT calibrates its activation ranges; QF305: a schedule documented for more GPUs
than the pasted command trains on."""
from __future__ import annotations

import os
from typing import Any, Iterator

from qatfix.config import Resolved
from qatfix.config.nodes import Tagged
from qatfix.findings import Location
from qatfix.errors import QatfixError
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.config.kind import QAT_MODES
from qatfix.config.run_texts import load_document
from qatfix.registry import config_key
from qatfix.registry.recipes import documented_launch



def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _slim_files(ctx: CheckContext) -> set[str]:
    return {os.path.normpath(p) for p in ctx.slim_own.files} if ctx.slim_own is not None else set()


def _value_in(ctx: CheckContext, path: str, key_path: tuple[str, ...]) -> Any:
    """The value one file of the run gives `key_path` on its own."""

    document = ctx.resolved.documents.get(path)
    try:
        value: Any = (document or load_document(path)).construct()
        for key in key_path:
            value = value[key]
    except (QatfixError, KeyError, IndexError, TypeError):
        return None
    return value


def check_learning_rate(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role != "model" or ctx.mode not in QAT_MODES or ctx.step != "train":
        return
    final = ctx.final or ctx.resolved
    key_path = ("LearningRate", "base_lr")
    lr = _number(final.get(key_path))
    origin = final.origin(key_path)
    if lr is None or origin is None or origin.path.startswith("<"):
        return  # no learning rate, or one given with -o on purpose
    slim_files = _slim_files(ctx)
    slim_sets_lr = os.path.normpath(origin.path) in slim_files
    if slim_sets_lr:
        # the float recipe's value is the last definition outside the slim config's files
        earlier = next((o for o in origin.overrode
                        if os.path.normpath(o.path) not in slim_files), None)
        float_lr = _number(_value_in(ctx, earlier.path, key_path)) if earlier else None
    else:
        float_lr = lr
    if float_lr is None or float_lr != lr:
        return
    epoch = final.get("epoch")
    epoch_origin = final.origin("epoch")
    slim_sets_epoch = epoch_origin is not None and (
        os.path.normpath(epoch_origin.path) in slim_files or epoch_origin.path.startswith("<"))
    full_recipe = not slim_sets_lr and not slim_sets_epoch
    what = (f"the float recipe's whole schedule ({epoch} epochs at base_lr {lr:g})"
            if full_recipe else f"{epoch} epochs at the float recipe's base_lr {lr:g}")
    yield Issue(
        message=(f"QAT fine-tunes with {what}: QAT starts from trained weights, and the "
                 "official QAT configs that shorten the schedule also lower the learning rate "
                 "(by 10x or more) so the fake-quantized weights settle instead of moving away"),
        headline=f"QAT fine-tunes with {what}; official QAT recipes lower it 10x or more",
        fact="QAT re-runs the float recipe's whole schedule at its learning rate"
        if full_recipe else "",
        location=ctx.location("slim") if full_recipe or not slim_sets_lr else
        ctx.location(key_path),
        related=(ctx.location(key_path),),
        severity="info" if full_recipe else "warning",
        data=(("base_lr", lr), ("float_base_lr", float_lr)),
    )


def _drop_block_sections(ctx: CheckContext) -> Iterator[str]:
    """The model's sections (the architecture's slots) that switch DropBlock on."""
    architecture = ctx.get("architecture")
    slots = ctx.get(architecture) if isinstance(architecture, str) else None
    if isinstance(slots, Tagged):
        slots = slots.value
    if not isinstance(slots, dict):
        return
    for name in dict.fromkeys(v for v in slots.values() if isinstance(v, str)):
        section = ctx.get(name)
        if isinstance(section, dict) and section.get("drop_block") is True:
            yield name


def check_drop_block(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role != "model" or ctx.mode not in QAT_MODES or ctx.step != "train":
        return
    for name in _drop_block_sections(ctx):
        where = (name, "drop_block")
        fixes: tuple[PlannedFix, ...] = ()
        if ctx.slim_path:
            fixes = (PlannedFix(
                f"Set {name}.drop_block to false in {ctx.slim_path.rsplit('/', 1)[-1]}", "safe",
                (Change.set(where, False, path=ctx.slim_path),),
                reason=("DropBlock holds no tensor, so the same weights load; it acts only in "
                        "training mode, as the official PP-YOLO QAT configs set it")),)
        yield Issue(
            message=(f"{name}.drop_block is true during QAT: DropBlock zeroes blocks of the "
                     "neck's features and rescales the rest in training mode only, so the "
                     "activation quantizers calibrate their ranges on features inference never "
                     "produces"),
            location=ctx.location(where), fixes=fixes)


def check_gpus(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.gpus is None or ctx.step != "train" or ctx.role == "teacher":
        return

    slim = config_key(ctx.slim_path) if ctx.slim_path else None
    if ctx.role == "student":
        slim = config_key(ctx.trained_with.slim_path or "") if ctx.trained_with else None
    launch = documented_launch(config_key(ctx.config_path), slim)
    final = ctx.trained_with or ctx.final or ctx.resolved
    batch, lr = final.get(("TrainReader", "batch_size")), _number(final.get(("LearningRate",
                                                                              "base_lr")))
    if launch is None or not isinstance(batch, int) or lr is None or lr != launch.base_lr:
        return
    ours, theirs = ctx.gpus * batch, launch.gpus * launch.batch_size
    if ours >= theirs:
        return
    scaled = lr * ours / theirs
    yield Issue(
        message=(f"this command trains on {ctx.gpus} GPU{'s' if ctx.gpus > 1 else ''} x "
                 f"batch_size {batch} = {ours} images a step, but base_lr {lr:g} is the "
                 f"documented recipe's for {launch.gpus} GPUs x {launch.batch_size} = {theirs}: "
                 f"ppdet does not rescale it, so this run trains at {theirs / ours:g}x the rate "
                 f"the READMEs' rule gives for its batch (base_lr {scaled:.3g} = {lr:g} x "
                 f"{ours}/{theirs})"),
        location=_location_of(final, ("LearningRate", "base_lr")),
        data=(("gpus", ctx.gpus), ("documented_gpus", launch.gpus), ("scaled_base_lr", scaled)),
    )


def _location_of(resolved: Resolved, key_path: tuple[str, ...]) -> Location:
    origin = resolved.origin(key_path)
    if origin is None:
        return Location(resolved.config_path, 0, 0)
    return Location(origin.path, origin.line, origin.column)


RULES = (
    Rule(
        code="QF302", name="qat-float-learning-rate", severity="warning",
        situations=(("info",
                    "when the slim config changes neither the learning rate nor the epochs: the whole "
                    "float schedule runs again"),),
        summary="QAT fine-tunes with the float recipe's learning rate.",
        explanation=(
            "QAT starts from a trained float model and inserts fake-quantization; it is "
            "fine-tuning. The official QAT configs that set their own schedule lower the "
            "learning rate against the float recipe, 10x to 20x (PP-YOLOE-L 0.01 -> 0.001 for 30 "
            "epochs, YOLOv3-DarkNet 0.001 -> 0.0001, PP-YOLO R50vd 0.01 -> 0.0005, PicoDet-S-416 "
            "0.24 -> 0.024, Mask R-CNN 0.01 -> 0.001). A QAT "
            "config that shortens the epochs but keeps the float learning rate moves the weights "
            "far from the trained model before the quantization scales settle; users report mAP "
            "far below the float model until the rate is lowered about 10x. A slim config that "
            "sets no schedule at all re-runs the whole float recipe (as the official "
            "YOLOv3-MobileNetV1 and SSD QAT configs do): reported as info."),
        example=(
            'qatfix -c configs/ppyoloe/ppyoloe_crn_l_300e_coco.yml --slim_config '
            'configs/example/ppyoloe_l_qat.yml\n'
            '# configs/example/ppyoloe_l_qat.yml\n'
            'pretrain_weights: https://paddledet.bj.bcebos.com/models/'
            'ppyoloe_crn_l_300e_coco.pdparams\n'
            'slim: QAT\n' + QAT_SECTION +
            "epoch: 30   # and no LearningRate: the float recipe's base_lr 0.01 stays\n"
            'snapshot_epoch: 5\n'
        ),
        instead="epoch: 30\nLearningRate:\n  base_lr: 0.001  # 1/10 of the float recipe's 0.01",
        fix_safety="no automatic fix: the right fraction depends on the model and batch size.",
        evidence=("configs/slim/quant/*.yml of both trees: base_lr against each model config's "
                  "LearningRate.base_lr (ppyoloe_l_qat.yml 0.001 vs 0.01, yolov3_darknet_qat.yml "
                  "0.0001 vs 0.001, ppyolo_r50vd_qat_pact.yml 0.0005 vs 0.01, ppyolov2_r50vd_dcn_"
                  "qat.yml 0.0005 vs 0.005), measured with `qatfix resolve`; ppdet/slim/"
                  "quant.py: QAT only wraps the model, the trainer's optimizer comes from "
                  "LearningRate/OptimizerBuilder of the merged config."),
        check=check_learning_rate),
    Rule(
        code="QF303", name="qat-drop-block", severity="warning",
        summary="DropBlock stays on while QAT calibrates activation ranges.",
        explanation=(
            "PP-YOLO's necks (PPYOLOFPN, PPYOLOPAN) use DropBlock in training: it zeroes random "
            "blocks of features and scales the rest up by the kept fraction. QAT's "
            "moving-average activation quantizers learn their ranges from training-mode "
            "activations, so with DropBlock on they calibrate on a distribution inference never "
            "sees. Every official PP-YOLO QAT config turns it off (`drop_block: false` in "
            "ppyolo_r50vd_qat_pact.yml, ppyolo_mbv3_large_qat.yml, ppyolov2_r50vd_dcn_qat.yml); "
            "a QAT config written for another model inherits `drop_block: true` from the PP-YOLO "
            "base."),
        example=("qatfix -c configs/ppyolo/ppyolo_r50vd_dcn_1x_coco.yml --slim_config "
                 "configs/slim/quant/yolov3_darknet_qat.yml"),
        instead="PPYOLOFPN:\n  drop_block: false   # in the QAT slim config",
        fix_safety=("safe: `drop_block: false` in the slim config changes no tensor (DropBlock "
                    "has no parameters) and nothing at inference; it is what the official QAT "
                    "configs write."),
        evidence=("ppdet/modeling/layers.py: DropBlock.forward (identity unless `self.training`; "
                  "`x * mask * (mask.numel() / mask.sum())`); ppdet/modeling/necks/yolo_fpn.py "
                  "(PPYOLOFPN/PPYOLOPAN `drop_block`); configs/slim/quant/ppyolo_*_qat*.yml."),
        check=check_drop_block),
    Rule(
        code="QF305", name="schedule-for-more-gpus", severity="warning",
        summary=("The pasted command trains on fewer GPUs than the documented recipe whose "
                 "learning rate it keeps."),
        explanation=(
            "A ppdet recipe's learning rate belongs to its total batch: images per GPU "
            "(TrainReader.batch_size) times the GPUs of its documented command "
            "(`paddle.distributed.launch --gpus 0,...,7`). ppdet does not rescale it when fewer "
            "GPUs run, and its READMEs say to adjust it by lr_new = lr_default x (batch_size_new "
            "x GPUs_new) / (batch_size_default x GPUs_default). A distillation or QAT recipe "
            "documented for 8 GPUs and run on one takes steps 8x too large for its batch. "
            "qatfix knows the GPU count of every training command the READMEs write "
            "(registry/recipes.json `launches`) and reads the pasted command's."),
        example=("qatfix python tools/train.py -c configs/yolov3/yolov3_mobilenet_v1_270e_coco.yml "
                 "--slim_config configs/slim/distill/yolov3_mobilenet_v1_coco_distill.yml"),
        instead=("python tools/train.py -c ... --slim_config ... -o LearningRate.base_lr=0.000125"
                 "   # 0.001 x 8/64, or launch on the documented 8 GPUs"),
        fix_safety="no automatic fix: the learning rate is given with -o on the command line.",
        evidence=("configs/ppyoloe/README.md (\"if GPU number or mini-batch size is changed, "
                  "learning rate should be adjusted\" with the formula); ppdet/optimizer/"
                  "optimizer.py: LearningRate uses base_lr as written, whatever "
                  "paddle.distributed.get_world_size() is; the launch commands of configs/**/"
                  "README*.md."),
        check=check_gpus),
)
