"""QF202: the readers disagree about the input size.

Eval and test resize targets, the exported `TestReader.inputs_def.image_shape`, the top-level
`eval_height`/`eval_width`, and the multi-scale training range should describe one input size.
"""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.config.nodes import KeyPath
from qatfix.model.sizes import SizeSource, as_size, size_list, transforms
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext


def _transforms(ctx: CheckContext, reader: str, kind: str) -> Iterator[tuple[KeyPath, str, Any]]:
    for index, name, args in transforms(ctx.get(reader), kind):
        yield (reader, kind, index, name), name, args


def resize_size(ctx: CheckContext, reader: str) -> SizeSource | None:
    """A fixed-shape Resize target in a reader's sample transforms ([h, w], keep_ratio off)."""
    for path, name, args in _transforms(ctx, reader, "sample_transforms"):
        if name == "Resize" and not args.get("keep_ratio", True):
            size = as_size(args.get("target_size"))
            if size:
                return SizeSource(f"{reader} Resize target_size", (*path, "target_size"), size)
    return None


def test_shape(ctx: CheckContext) -> SizeSource | None:
    shape = ctx.get(("TestReader", "inputs_def", "image_shape"))
    if isinstance(shape, list) and len(shape) >= 3:
        size = as_size(list(shape[-2:]))
        if size:
            return SizeSource("TestReader inputs_def.image_shape", ("TestReader", "inputs_def",
                                                                    "image_shape"), size)
    return None


def top_level(ctx: CheckContext) -> SizeSource | None:
    size = as_size([ctx.get("eval_height"), ctx.get("eval_width")])
    return SizeSource("eval_height/eval_width", ("eval_height",), size) if size else None


def train_range(ctx: CheckContext) -> tuple[KeyPath, list[int]] | None:
    """The multi-scale training heights of TrainReader's BatchRandomResize, with its key path."""
    for path, name, args in _transforms(ctx, "TrainReader", "batch_transforms"):
        if name == "BatchRandomResize" and isinstance(args, dict):
            heights = [h for h, _ in size_list(args.get("target_size"))]
            if heights:
                return (*path, "target_size"), heights
    return None


def _fmt(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def check(ctx: CheckContext) -> Iterator[Issue]:
    reference = resize_size(ctx, "EvalReader")
    if reference is None:
        return
    others = [s for s in (resize_size(ctx, "TestReader"), test_shape(ctx), top_level(ctx)) if s]
    for other in others:
        if other.size == reference.size:
            continue
        fixes: tuple[PlannedFix, ...] = ()
        shape = ctx.get(other.key_path)
        if other.key_path[-1] == "image_shape" and isinstance(shape, list):
            new = [*shape[:-2], reference.size[0], reference.size[1]]
            fixes = (PlannedFix(f"Set {other.label} to {new}", "unsafe",
                                (Change.set(other.key_path, new),)),)
        yield Issue(
            message=(f"{other.label} is {_fmt(other.size)} but {reference.label} is "
                     f"{_fmt(reference.size)}: the model is evaluated at one size and "
                     "exported/tested at another"),
            location=ctx.location(other.key_path),
            related=(ctx.location(reference.key_path),),
            fixes=fixes,
        )
    train = train_range(ctx)
    if train:
        path, sizes = train
        low, high = min(sizes), max(sizes)
        if not low <= reference.size[0] <= high:
            yield Issue(
                message=(f"{reference.label} {_fmt(reference.size)} lies outside the multi-scale "
                         f"training range {low}-{high} of TrainReader BatchRandomResize"),
                location=ctx.location(reference.key_path),
                related=(ctx.location(path),),
            )


RULES = (Rule(
    code="QF202", name="reader-sizes-disagree", severity="warning",
    summary="Eval, test, export and training input sizes disagree with each other.",
    explanation=(
        "A detector is trained on a range of input sizes and evaluated, tested and exported at "
        "one. When EvalReader resizes to 320x320 but TestReader's `inputs_def.image_shape` says "
        "416, the exported (and quantized) model is calibrated at a size it was never evaluated "
        "at, and accuracy drops without an error. Example: a leaf config that changes EvalReader "
        "but inherits TestReader from a base file of another size."),
    fix_safety="unsafe: when a fix is offered it makes the exported shape follow EvalReader; "
               "which size is right is yours to decide.",
    example=(
        'qatfix configs/example/picodet_eval_416.yml\n'
        '# configs/example/picodet_eval_416.yml\n'
        '_BASE_: [../picodet/picodet_s_320_coco_lcnet.yml]\n'
        'EvalReader:\n'
        '  sample_transforms:\n'
        '  - Decode: {}\n'
        '  - Resize: {interp: 2, target_size: [416, 416], keep_ratio: False}\n'
        '  - NormalizeImage: {is_scale: true, mean: [0.485, 0.456, 0.406], '
        'std: [0.229, 0.224, 0.225]}\n'
        '  - Permute: {}\n'
    ),
    instead=(
        'TestReader:\n'
        '  inputs_def:\n'
        '    image_shape: [1, 3, 416, 416]\n'
        '  sample_transforms:\n'
        '  - Resize: {interp: 2, target_size: [416, 416], keep_ratio: False}\n'
        '  (or keep EvalReader at 320)'
    ),
    evidence=(
        'ppdet/engine/export_utils.py `_parse_reader`/`_dump_infer_config` '
        "take the exported input shape from TestReader's "
        '`inputs_def.image_shape`, while tools/eval.py evaluates with '
        "EvalReader's transforms (ppdet/data/transform/operators.py `Resize`)."
    ),
    check=check),)
