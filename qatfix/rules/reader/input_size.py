"""QF201: the weights were trained at another input size than the readers use."""
from __future__ import annotations

import os
from typing import Any, Iterator

from qatfix.config.run_texts import load_document
from qatfix.errors import QatfixError
from qatfix.model.sizes import SizeSource, eval_input_source
from qatfix.registry.recipes import training_inputs
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.reader.base_entry import base_entry, spelled_like
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION
from qatfix.rules.weights.candidates import candidate_fixes


def _reader_fixes(ctx: CheckContext, entry: Any, source: SizeSource) -> tuple[PlannedFix, ...]:
    """Point the command-line config's `_BASE_` entry for the reader file that sets the eval
    size at the reader base the weights were trained with, when that file is in this tree and
    its own eval size is the weights' (read from the file)."""
    origin = ctx.origin(source.key_path)
    inputs = training_inputs(entry.tree, entry.config) if entry.tree and entry.config else None
    if origin is None or inputs is None or inputs.reader is None:
        return ()
    current = os.path.normpath(origin.path)
    wanted = os.path.normpath(ctx.run_path(inputs.reader))
    if current == wanted or not os.path.isfile(wanted):
        return ()
    leaf = os.path.normpath(ctx.config_path)
    found = base_entry(leaf, current)
    if found is None:
        return ()
    try:
        data = load_document(wanted).construct()
    except QatfixError:
        return ()
    theirs = eval_input_source(data) if isinstance(data, dict) else None
    if theirs is None or tuple(theirs.size) != tuple(entry.input_size):
        return ()
    index, old_entry = found
    new = spelled_like(leaf, wanted, old_entry)
    h, w = entry.input_size
    return (PlannedFix(
        f"Point _BASE_ at {new} instead of {old_entry} (the {h}x{w} reader {entry.name} was "
        "trained with)", "unsafe", (Change.base(index, new, path=leaf),), value=new,
        reason=(f"the model config runs at {h}x{w} then, in every run that reads it (float "
                f"training too), with {os.path.basename(wanted)}'s augmentations and batch "
                "size: review the diff")),)


def check(ctx: CheckContext) -> Iterator[Issue]:
    entry = ctx.weights_entry
    if entry is None or entry.kind == "backbone" or entry.input_size is None or entry.model is None:
        return
    if ctx.weights_differences:
        return  # another network altogether: QF101 says so
    source = eval_input_source(ctx.resolved.data)  # as the registry read the weights' config
    if source is None or tuple(source.size) == tuple(entry.input_size):
        return
    size = source.size
    h, w = entry.input_size
    label = f" ({source.label})" if source else ""
    yield Issue(
        message=(f"{ctx.weights_key} {entry.name} was trained at {h}x{w}, but the readers use "
                 f"{size[0]}x{size[1]}{label}: "
                 f"{'quantization ranges are calibrated' if ctx.is_quant else 'the model runs'} "
                 "at a size the weights never saw"),
        headline=(f"{ctx.weights_key} {entry.name} were trained at {h}x{w}, the readers use "
                  f"{size[0]}x{size[1]}"),
        location=ctx.location((ctx.weights_key,)),
        related=(ctx.location(source.key_path),) if source else (),
        # the reader moves to the weights only where the weights are what the run must keep
        # (QAT/PTQ start from the float model); training at another size may be the recipe
        fixes=(*candidate_fixes(ctx, require_size=True),
               *(_reader_fixes(ctx, entry, source) if ctx.is_quant else ())),
        severity="error" if ctx.is_quant else "warning",
    )


RULES = (Rule(
    code="QF201", name="weights-input-size", severity="warning",
    situations=(("error",
                "in QAT and PTQ, which calibrate activation ranges at the readers' size"),),
    summary="Weights trained at one input size, readers at another.",
    explanation=(
        "PicoDet, PP-YOLOE and friends are published per input size: `picodet_s_416_coco_lcnet` "
        "and `picodet_s_320_coco_lcnet` are the same network trained at different sizes. Loading "
        "the 416 weights into a config whose readers resize to 320 loads every layer, so ppdet "
        "says nothing, but accuracy drops - and QAT calibrates its quantization ranges on "
        "activations the float model never produced. It is an error for QAT/PTQ."),
    fix_safety="safe only for QAT/PTQ, when the proposed weights are the official float model of "
               "the same network at the readers' size with the same classes and dataset (set in "
               "the slim config); replacing the weights of a training run is never safe.",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/example/quant.yml\n'
        '# configs/example/quant.yml\n'
        'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_416_'
        'coco_lcnet.pdparams\n'
        'slim: QAT\n' + QAT_SECTION
    ),
    instead=(
        'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
        'coco_lcnet.pdparams'
    ),
    evidence=(
        'the model-zoo tables (configs/*/README.md) publish each weights file '
        'with the input size it was trained and evaluated at '
        "(registry/weights.json); the readers' size is the `Resize` "
        'target_size of EvalReader/TestReader as ppdet/core/workspace.py '
        'merges them.'
    ),
    check=check),)
