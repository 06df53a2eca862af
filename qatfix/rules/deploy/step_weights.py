"""QF901-QF902: the checkpoint tools/eval.py, export_model.py and infer.py load (`weights`)
against the slim config given with it.

QF901 a QAT or pruned checkpoint without its slim config, QF902 a float checkpoint with a QAT
slim config.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from qatfix.config.run_texts import kind_of, resolve
from qatfix.errors import QatfixError
from qatfix.rules.base import Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.config.kind import QAT_MODES

if TYPE_CHECKING:
    from qatfix.registry.checkpoints import WeightsCheckpoint

#: the steps that build the model and load `weights` into it
LOADING_STEPS = {"eval": "tools/eval.py", "export": "tools/export_model.py",
                 "infer": "tools/infer.py"}


def checkpoint_of(ctx: CheckContext) -> Optional[WeightsCheckpoint]:
    """The checkpoint the step loads (read once per run, by the context)."""
    return ctx.weights_checkpoint


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir + os.sep + os.pardir) else rel


def _command(ctx: CheckContext, slim: str) -> str:
    return (f"python {LOADING_STEPS[ctx.step]} -c {_shown(ctx.config_path)} --slim_config {slim} "
            f"-o weights={ctx.get('weights')}")


#: the `slim:` values whose training writes each kind of checkpoint
_SLIM_MODES = {"qat": ("QAT", "PrunerQAT"), "pruned": ("Pruner", "PrunerQAT", "UnstructuredPruner",
                                                       "DistillPrune")}


def slim_configs_named(ctx: CheckContext, weights: object, kind: str) -> list[str]:
    """The slim configs a checkpoint path names: tools/train.py saves to
    `<save_dir>/<slim config's stem>/` (ppdet's `load_config` of the slim config sets
    `filename`), so `output/picodet_s_quant/model_final` names `picodet_s_quant.yml`. Official
    slim configs (the registry's) and the project's under `configs/` with that stem and a
    `slim:` that writes `kind` checkpoints."""
    if not isinstance(weights, str) or "://" in weights:
        return []
    folder = os.path.basename(os.path.dirname(os.path.normpath(weights.strip())))
    if not folder:
        return []
    found: dict[str, None] = {}
    for entry in ctx.registry.get_name(f"{folder}"):
        if entry.slim_config:
            found[os.path.join(ctx.run_root, entry.slim_config)] = None
    configs = os.path.join(ctx.run_root, "configs")
    for here, _, names in os.walk(configs):
        for name in names:
            if name in (f"{folder}.yml", f"{folder}.yaml"):
                found[os.path.join(here, name)] = None
    fitting = []
    for path in found:
        if not os.path.isfile(path) or kind_of(path) != "slim":
            continue
        try:
            mode = resolve(path, root=os.path.realpath(ctx.run_root)).get("slim")
        except (QatfixError, OSError):
            continue
        if mode in _SLIM_MODES.get(kind, ()):
            fitting.append(os.path.normpath(path))
    return sorted(set(fitting))


def check_slim_checkpoint(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step not in LOADING_STEPS or ctx.slim_path or ctx.role != "model":
        return
    found = checkpoint_of(ctx)
    if found is None or found.kind not in ("qat", "pruned"):
        return
    what = "QAT" if found.kind == "qat" else "pruned"
    named = [] if found.slim_config else slim_configs_named(ctx, ctx.get("weights"), found.kind)
    slim_path = (os.path.join(ctx.run_root, found.slim_config) if found.slim_config
                 else named[0] if len(named) == 1 else None)
    slim = _shown(slim_path) if slim_path else (
        "THE_QAT_CONFIG.yml" if found.kind == "qat" else "THE_PRUNE_CONFIG.yml")
    fixes: tuple[PlannedFix, ...] = ()
    if slim_path and os.path.isfile(slim_path):
        fixes = (PlannedFix(f"Run with the slim config the checkpoint was trained with: "
                            f"{_command(ctx, slim)}", "safe", (), slim_config=slim_path,
                            reason="no file changes; the command line names the slim config"),)
    if found.kind == "qat":
        effect = ("the quantized layers' tensors are named `conv._layer.weight` (and fake-quant "
                  "scales), which match nothing in the float model: its convolution kernels "
                  "keep their initial values")
    else:
        effect = "its pruned tensors are smaller than the full model's, and ppdet skips them"
    if found.loads is not None:
        effect += f" ({found.loads[0]} of the model's {found.loads[1]} tensors load)"
    detail = f" ({found.detail})" if found.detail else ""
    yield Issue(
        message=(f"{LOADING_STEPS[ctx.step]} loads the {what} checkpoint {found.source}"
                 f"{detail} without its slim config: {effect}; loading only logs INFO lines "
                 f"and the model runs half initialised (mAP near 0); run instead: "
                 f"{_command(ctx, slim)}"),
        location=ctx.location(("weights",)),
        fixes=fixes,
        data=(("checkpoint", found.kind),
              ("slim_config", found.slim_config or (slim if slim_path else ""))))


def check_float_with_qat(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step not in LOADING_STEPS or ctx.mode not in QAT_MODES or ctx.role != "model":
        return
    found = checkpoint_of(ctx)
    if found is None or found.kind != "float":
        return
    yield Issue(
        message=(f"{LOADING_STEPS[ctx.step]} with the QAT slim config wraps the model in "
                 f"fake-quant layers and loads `weights` into them, but {found.source} is a "
                 "float checkpoint: its `conv.weight` tensors match nothing in the wrapped layers "
                 "(`conv._layer.weight`), so the quantized layers' kernels and every "
                 "fake-quant scale keep their initial values; give the "
                 "checkpoint QAT training wrote (output/.../model_final), or drop "
                 "--slim_config to use the float model"),
        location=ctx.location(("weights",)))


_EVIDENCE = ("ppdet/slim/__init__.py build_slim_model (mode != 'train': the slim model is built "
             "and `load_pretrain_weight(cfg['model'], cfg.weights)`); ppdet/utils/checkpoint.py "
             "match_state_dict (suffix matching, unmatched tensors logged at INFO); measured: "
             "picodet_s_320_coco_lcnet with configs/slim/quant/picodet_s_416_lcnet_quant.yml "
             "has over 1,200 state-dict tensors against 463; loading either checkpoint into the other "
             "model loads 349 tensors, none of the 98 quantized convolution kernels")

RULES = (
    Rule(
        code="QF901", name="slim-checkpoint-without-slim-config", severity="error",
        summary="eval/export/infer loads a QAT or pruned checkpoint without its slim config.",
        explanation=(
            "A QAT checkpoint holds the quantized network (`conv._layer.weight`, "
            "`_fake_quant_weight._scale`, `_act_preprocess.alpha`); a pruned one has fewer "
            "channels. Without `--slim_config` the scripts build the float model, and "
            "match_state_dict leaves every quantized kernel (or pruned tensor) at its initial "
            "value, logging only INFO lines: evaluation "
            "reports mAP near 0 and export writes an untrained model. Official slim weights "
            "come from the registry; a local .pdparams is read (without paddle) for its "
            "tensor names and compared with the model's signature."),
        example=("qatfix python tools/eval.py -c configs/picodet/picodet_s_416_coco_lcnet.yml "
                 "-o weights=https://paddledet.bj.bcebos.com/models/"
                 "picodet_s_416_coco_lcnet_quant.pdparams"),
        instead=("python tools/eval.py -c configs/picodet/picodet_s_416_coco_lcnet.yml "
                 "--slim_config configs/slim/quant/picodet_s_416_lcnet_quant.yml -o weights=..."),
        fix_safety="no automatic fix (it is the command line): the message gives the command.",
        evidence=_EVIDENCE, check=check_slim_checkpoint),
    Rule(
        code="QF902", name="float-weights-with-qat-config", severity="error",
        summary="A QAT slim config at eval/export/infer with a float checkpoint.",
        explanation=(
            "With a QAT slim config, build_slim_model wraps the model in fake-quant layers "
            "before it loads `weights`. A float checkpoint's names (`conv.weight`) do not match "
            "the wrapped layers' (`conv._layer.weight`): the export is a fake-quant model with "
            "untrained weights and scales."),
        example=("qatfix python tools/export_model.py -c configs/picodet/picodet_s_416_coco_lcnet.yml "
                 "--slim_config configs/slim/quant/picodet_s_416_lcnet_quant.yml "
                 "-o weights=https://paddledet.bj.bcebos.com/models/picodet_s_416_coco_lcnet.pdparams"),
        instead=("the same command with -o weights=output/picodet_s_416_lcnet_quant/model_final "
                 "(what QAT training wrote)"),
        fix_safety="no automatic fix: only the user knows where the QAT checkpoint is.",
        evidence=_EVIDENCE, check=check_float_with_qat),
)
