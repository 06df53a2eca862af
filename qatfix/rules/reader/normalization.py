"""QF204: the readers normalize the input otherwise than the weights were trained with."""
from __future__ import annotations

import os
from typing import Any, Iterator

from qatfix.config.run_texts import load_document
from qatfix.errors import QatfixError
from qatfix.model.normalization import READERS, Normalization, getter, reader_normalization
from qatfix.registry.recipes import TrainingInputs, training_inputs
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.reader.base_entry import base_entry, spelled_like
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import QAT_SECTION


def _file_normalizations(path: str) -> tuple[list[Normalization | None], Any] | None:
    """The NormalizeImage of each reader of one file on its own, and the file's data with
    those entries left out (to compare two reader files apart from their normalization)."""
    try:
        data = load_document(path).construct()
    except QatfixError:
        return None
    if not isinstance(data, dict):
        return None
    found = [reader_normalization(getter(data), reader) for reader in READERS]
    rest = {key: _without_normalize(value) for key, value in data.items()}
    return found, rest


def _without_normalize(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_normalize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_normalize(v) for v in value
                if not (isinstance(v, dict) and "NormalizeImage" in v)]
    return value


def _reader_fix(ctx: CheckContext, run: Normalization, inputs: TrainingInputs
                ) -> PlannedFix | None:
    """Point the command-line config's `_BASE_` entry for the reader file that defines the
    run's normalization at the reader base the weights were trained with, when that file exists
    in this tree and its own NormalizeImage is the weights' (checked on the file)."""
    origin = ctx.origin(run.key_path[:3])
    if origin is None or inputs.reader is None or inputs.train is None:
        return None
    current = os.path.normpath(origin.path)
    wanted = os.path.normpath(ctx.run_path(inputs.reader))
    if current == wanted or not os.path.isfile(wanted):
        return None
    leaf = os.path.normpath(ctx.config_path)
    found = base_entry(leaf, current)
    if found is None:
        return None
    index, old_entry = found
    old_file, new_file = _file_normalizations(current), _file_normalizations(wanted)
    if new_file is None or new_file[0][0] is None or not new_file[0][0].same_as(inputs.train):
        return None
    new = spelled_like(leaf, wanted, old_entry)
    only_normalization = old_file is not None and old_file[1] == new_file[1]
    reason = ("the two reader files differ only in NormalizeImage" if only_normalization else
              f"{os.path.basename(wanted)} also brings its own augmentations, sizes and batch "
              "size; review the diff")
    return PlannedFix(
        f"Point _BASE_ at {new} instead of {old_entry} (the reader the weights were "
        "trained with)", "safe" if only_normalization else "unsafe",
        (Change.base(index, new, path=leaf),), value=new, reason=reason)


def check(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.role == "teacher":
        return
    entry = ctx.weights_entry
    if entry is None or not entry.tree or not entry.config:
        return
    inputs = training_inputs(entry.tree, entry.config)
    if inputs is None:
        return
    wrong = []
    for reader, trained in zip(READERS, (inputs.train, inputs.eval)):
        run = reader_normalization(ctx.get, reader)
        if run is not None and trained is not None and not run.same_as(trained):
            wrong.append((reader, run, trained))
    if not wrong:
        return
    reader, run, trained = wrong[0]
    effect = ("QAT calibrates every activation range on inputs the float model never produced"
              if ctx.is_quant else "the network starts from weights that never saw inputs "
              "scaled like these")
    # the reader is the thing to change only when the weights are of this very network; else
    # the weights rules (QF101/QF105) propose the weights of this network, which fit its reader
    fits = ctx.weights_differences == ()
    fix = _reader_fix(ctx, run, inputs) if reader == "TrainReader" and fits else None
    readers = " and ".join(r for r, _, _ in wrong)
    verb = "gives" if len(wrong) == 1 else "give"
    yield Issue(
        message=(f"{readers} NormalizeImage {verb} {run.describe()}, but {entry.name} was "
                 f"trained with {trained.describe()} ({entry.config}"
                 f"{', ' + inputs.reader if inputs.reader else ''}): {effect}"),
        headline=f"{readers} normalize images otherwise than {entry.name} was trained",
        location=ctx.location(run.key_path),
        related=tuple(ctx.location(other.key_path) for _, other, _ in wrong[1:]),
        fixes=(fix,) if fix else (),
        data=(("weights", entry.name), ("readers", [r for r, _, _ in wrong])),
        # a float training run adapts to its inputs over its epochs; a slim run starts from the
        # weights as they are (QAT calibrates on them at once)
        severity=None if ctx.mode != "train" or ctx.role == "student" else "info",
    )


RULES = (Rule(
    code="QF204", name="normalization-mismatch", severity="warning",
    situations=(("info",
                "in float training, which adapts to its inputs over its epochs (not a distillation "
                "student)"),),
    summary="The readers normalize images otherwise than the weights were trained with.",
    explanation=(
        "ppdet's NormalizeImage scales pixels by 1/255 (`is_scale`) and, with `norm_type: "
        "mean_std`, subtracts `mean` and divides by `std`. The network's first layer learned the "
        "statistics of exactly those inputs. PP-YOLOE+ weights are trained with mean 0 / std 1 "
        "(`ppyoloe_plus_reader.yml`, `norm_type: none`), PP-YOLOE with ImageNet mean/std "
        "(`ppyoloe_reader.yml`). Fine-tuning or quantizing one through the other's reader feeds "
        "inputs about four times larger or smaller than the weights saw: ppdet loads every "
        "tensor and prints nothing, QAT calibrates its activation ranges on inputs the float model "
        "never produced, and accuracy drops for no visible reason. The registry records the "
        "TrainReader and EvalReader normalization of every official weights file's config. "
        "A warning for slim runs and distillation students; an info for plain training, which "
        "adapts to its inputs over its epochs (MCFairMOT fine-tunes CenterNet's weights with "
        "another mean/std on purpose)."),
    example=("qatfix -c configs/ppyoloe/my_ppyoloe_plus_l.yml --slim_config "
             "configs/example/ppyoloe_plus_qat.yml\n"
             "# configs/ppyoloe/my_ppyoloe_plus_l.yml\n"
             "_BASE_: [\n"
             "  '../datasets/coco_detection.yml',\n"
             "  '../runtime.yml',\n"
             "  './_base_/optimizer_80e.yml',\n"
             "  './_base_/ppyoloe_plus_crn.yml',\n"
             "  './_base_/ppyoloe_reader.yml',\n"
             "]\n"
             "depth_mult: 1.0\n"
             "width_mult: 1.0\n"
             "# configs/example/ppyoloe_plus_qat.yml\n"
             "pretrain_weights: https://paddledet.bj.bcebos.com/models/"
             "ppyoloe_plus_crn_l_80e_coco.pdparams\n"
             "slim: QAT\n" + QAT_SECTION),
    instead=("Use the reader the weights were trained with: `_BASE_: [..., "
             "'./_base_/ppyoloe_plus_reader.yml']` for PP-YOLOE+ weights, or the PP-YOLOE "
             "weights for `ppyoloe_reader.yml`."),
    fix_safety=("safe when the reader file the weights' config uses differs from the current "
                "one only in NormalizeImage (ppyoloe_reader.yml and ppyoloe_plus_reader.yml); "
                "unsafe otherwise, since the other reader also brings its augmentations, sizes "
                "and batch size. Offered only when the weights are of this very network (else the "
                "weights rules propose the weights of this network) and the command-line config "
                "lists the reader in its own `_BASE_`."),
    evidence=("ppdet/data/transform/operators.py: NormalizeImage.__init__/apply (is_scale, "
              "norm_type, mean, std); configs/ppyoloe/_base_/ppyoloe_reader.yml and "
              "ppyoloe_plus_reader.yml differ only in those lines; registry/recipes.json "
              "(`qatfix registry recipes`) holds each official config's readers."),
    check=check),)
