"""QF801/QF802: in distillation, the teacher's config chain replaces the student's settings.

tools/train.py loads the student config into ppdet's one global config; `build_slim_model`
builds `DistillModel(cfg, slim_config)`, which creates the student and then calls
`load_config(slim_config)`: the teacher's whole `_BASE_` chain is merged into that same global
config, and the trainer reads its datasets, classes, epochs, learning rate and readers from it.
`CheckContext.trained_with` is that merged config, resolved the same way.
"""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.config import Resolved
from qatfix.config.nodes import KeyPath
from qatfix.findings import Location
from qatfix.model.sections import canonical_json
from qatfix.rules.base import Issue, Rule
from qatfix.rules.context import CheckContext

#: what the student is trained on: replaced by the teacher's, the student learns another task
DATA_KEYS = ("TrainDataset", "EvalDataset", "TestDataset", "num_classes", "metric")
#: how the student is trained: replaced by the teacher's recipe
RECIPE_KEYS = ("epoch", "LearningRate", "OptimizerBuilder", "TrainReader", "EvalReader",
               "snapshot_epoch")
_LEAVES_SHOWN = 3


def _leaves(value: Any, path: KeyPath = ()) -> dict[KeyPath, Any]:
    """Every scalar (or empty container) under `value` by its key path; list items by index."""
    items: Any = None
    if isinstance(value, dict) and value:
        items = value.items()
    elif isinstance(value, list) and value:
        items = enumerate(value)
    if items is None:
        return {path: value}
    found: dict[KeyPath, Any] = {}
    for key, item in items:
        found.update(_leaves(item, (*path, key)))
    return found


def replaced(student: Resolved, merged: Resolved, key: str) -> list[tuple[KeyPath, Any, Any]]:
    """The settings under `key` the merge changed, with the student's value and the value
    trained with; a list whose length changed counts as one setting."""
    mine, theirs = student.plain().get(key, _ABSENT), merged.plain().get(key, _ABSENT)
    if mine == theirs or key not in merged.data:
        return []
    before, after = _leaves(mine, (key,)), _leaves(theirs, (key,))
    changed = []
    for path in {**before, **after}:
        old, new = before.get(path, _ABSENT), after.get(path, _ABSENT)
        if old != new:
            changed.append((path, old, new))
    return _whole_lists(changed, mine, theirs, key)


def _whole_lists(changed: list[tuple[KeyPath, Any, Any]], mine: Any, theirs: Any, key: str
                 ) -> list[tuple[KeyPath, Any, Any]]:
    """Changes inside a list whose items were added or removed, as one change of the list."""
    found: dict[KeyPath, tuple[KeyPath, Any, Any]] = {}
    for path, old, new in changed:
        cut = path
        for depth in range(1, len(path)):
            a, b = _at(mine, path[1:depth]), _at(theirs, path[1:depth])
            if isinstance(a, list) and isinstance(b, list) and len(a) != len(b):
                cut = path[:depth]
                old, new = a, b
                break
        found.setdefault(cut, (cut, old, new))
    return list(found.values())


def _at(value: Any, path: KeyPath) -> Any:
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return value


class _Absent:
    def __repr__(self) -> str:
        return "unset"


_ABSENT = _Absent()


def _slim_base(merged: Resolved) -> Location | None:
    """The `_BASE_` line of the slim config: where its teacher chain comes in."""
    document = merged.documents.get(merged.slim_path or "")
    if document is None:
        return None
    for number, line in enumerate(document.text.splitlines(), 1):
        if line.startswith("_BASE_"):
            return Location(merged.slim_path or "", number, 1)
    return None


def _location(resolved: Resolved, key_path: KeyPath) -> Location:
    for cut in range(len(key_path), 0, -1):
        origin = resolved.origin(key_path[:cut])
        if origin is not None and origin.line:
            return Location(origin.path, origin.line, origin.column)
    return Location(resolved.slim_path or resolved.config_path, 0, 0)


def _shown(value: Any) -> str:
    text = canonical_json(value) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 70 else text[:67] + "..."


def _dotted(path: KeyPath) -> str:
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in path).replace(".[", "[")


def _describe(changes: list[tuple[KeyPath, Any, Any]]) -> str:
    parts = [f"{_dotted(path)} {_shown(new)} (student: {_shown(old)})"
             for path, old, new in changes[:_LEAVES_SHOWN]]
    more = f" and {len(changes) - _LEAVES_SHOWN} more" if len(changes) > _LEAVES_SHOWN else ""
    return "; ".join(parts) + more


def _changes(ctx: CheckContext, keys: tuple[str, ...]) -> list[tuple[KeyPath, Any, Any]]:
    merged = ctx.trained_with
    if ctx.role != "student" or merged is None:
        return []
    return [change for key in keys for change in replaced(ctx.resolved, merged, key)]


def check_recipe(ctx: CheckContext) -> Iterator[Issue]:
    changes = _changes(ctx, RECIPE_KEYS)
    if not changes:
        return
    merged = ctx.trained_with
    assert merged is not None
    paths = [path for path, _, _ in changes]
    keys = list(dict.fromkeys(str(p[0]) for p in paths))
    yield Issue(
        message=(f"the distillation config's chain replaces the student's {', '.join(keys)}: "
                 f"train.py trains the student with {_describe(changes)}"),
        headline=f"the distillation config's chain replaces the student's {', '.join(keys)}",
        location=_slim_base(merged) or _location(merged, paths[0]),
        related=(_location(merged, paths[0]), ctx.location(paths[0])),
        data=(("replaced", [_dotted(p) for p in paths]),),
    )


def check_data(ctx: CheckContext) -> Iterator[Issue]:
    changes = _changes(ctx, DATA_KEYS)
    if not changes:
        return
    merged = ctx.trained_with
    assert merged is not None
    paths = [path for path, _, _ in changes]
    keys = list(dict.fromkeys(str(p[0]) for p in paths))
    student_classes, teacher_classes = ctx.get("num_classes"), merged.get("num_classes")
    classes = ""
    if "num_classes" in keys:
        classes = (f"; the student model is built with {student_classes} classes before the "
                   f"merge, but the trainer, its dataset and metric (and the teacher) use "
                   f"{teacher_classes}: a teacher trained for {teacher_classes} classes cannot "
                   f"teach a {student_classes}-class student through ppdet's DistillModel")
    yield Issue(
        message=(f"the distillation config's chain replaces the student's {', '.join(keys)}: "
                 f"train.py trains the student on {_describe(changes)}"
                 f"{classes}"),
        headline=f"the distillation config's chain replaces the student's {', '.join(keys)}",
        location=_slim_base(merged) or _location(merged, paths[0]),
        related=(_location(merged, paths[0]), ctx.location(paths[0])),
        data=(("replaced", [_dotted(p) for p in paths]),),
    )


_EVIDENCE = ("ppdet/slim/distill_model.py: DistillModel.__init__ (`create(self.stu_cfg."
             "architecture)`, then `slim_cfg = load_config(slim_cfg)`); ppdet/core/workspace.py: "
             "load_config merges into and returns the one `global_config`, which tools/train.py "
             "holds as `cfg` (`cfg = load_config(FLAGS.config)`) and hands to the Trainer after "
             "build_slim_model, with `merge_config(FLAGS.opt)` once more.")

RULES = (
    Rule(
        code="QF801", name="distill-teacher-recipe", severity="info",
        summary=("Distillation trains the student with the teacher chain's epochs, learning "
                 "rate, optimizer or readers."),
        explanation=(
            "A distillation slim config is the teacher's config: it lists the teacher's model "
            "config in `_BASE_`. ppdet builds the student, then merges that whole chain into the "
            "one global config that the trainer reads, so wherever the teacher's chain defines "
            "`epoch`, `LearningRate`, `OptimizerBuilder` or a reader, the student is trained with "
            "the teacher's value. Sometimes that is the recipe (the official GFL CWD pair trains "
            "the 1x student for the teacher's 24 epochs, as its README's 2x says); often it is a "
            "surprise. qatfix replays the merge and lists each setting that changes."),
        example=("qatfix -c configs/gfl/gfl_r50_fpn_1x_coco.yml --slim_config "
                 "configs/slim/distill/gfl_r101vd_fpn_coco_distill_cwd.yml"),
        instead=("Set what the student should train with in the distillation config itself, "
                 "after its `_BASE_` (it is merged last), e.g. `epoch: 12` and the student's "
                 "LearningRate; or pass them with -o."),
        fix_safety="no automatic fix: which recipe the student should follow is yours to say.",
        evidence=_EVIDENCE,
        check=check_recipe),
    Rule(
        code="QF802", name="distill-teacher-data", severity="warning",
        summary=("Distillation trains the student on the teacher chain's datasets, classes or "
                 "metric."),
        explanation=(
            "ppdet builds the student and then merges the teacher's whole `_BASE_` chain into "
            "the config the trainer reads. A teacher config that includes "
            "`datasets/coco_detection.yml` therefore replaces the student's TrainDataset, "
            "EvalDataset and `num_classes`: the student built for your 3 classes is trained and "
            "evaluated on COCO's data with COCO's 80 classes, and the teacher's head does not "
            "describe your classes at all. ppdet prints no warning."),
        example=("qatfix -c configs/yolov3/my_yolov3_mobilenet_v1_3cls.yml --slim_config "
                 "configs/slim/distill/yolov3_mobilenet_v1_coco_distill.yml\n"
                 "# configs/yolov3/my_yolov3_mobilenet_v1_3cls.yml\n"
                 "_BASE_: ['yolov3_mobilenet_v1_270e_coco.yml']\n"
                 "metric: VOC\n"
                 "num_classes: 3\n"
                 "TrainDataset:\n"
                 "  !VOCDataSet\n"
                 "    dataset_dir: dataset/fruit\n"
                 "    anno_path: train.txt\n"
                 "    label_list: label_list.txt\n"
                 "    data_fields: ['image', 'gt_bbox', 'gt_class', 'difficult']\n"
                 "EvalDataset:\n"
                 "  !VOCDataSet\n"
                 "    dataset_dir: dataset/fruit\n"
                 "    anno_path: val.txt\n"
                 "    label_list: label_list.txt\n"
                 "    data_fields: ['image', 'gt_bbox', 'gt_class', 'difficult']\n"),
        instead=("Train (or fine-tune) the teacher on your dataset first, then distill with a "
                 "slim config whose chain uses your dataset config and class count."),
        fix_safety=("no automatic fix: the teacher has to be trained for the student's classes "
                    "and data, which no edit does."),
        evidence=_EVIDENCE,
        check=check_data),
)
