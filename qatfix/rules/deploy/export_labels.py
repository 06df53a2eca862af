"""QF908: the label list an export (or tools/infer.py) writes, against the model's classes.

The facts are in `qatfix.model.labels`: ppdet takes the names from TestDataset's annotation
file, and without one writes the metric's default list (80 COCO names) into infer_cfg.yml.
"""
from __future__ import annotations

from collections.abc import Iterator

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext

STEPS = ("export", "infer")


def _eval_fix(ctx: CheckContext, classes: int) -> tuple[PlannedFix, ...]:
    """TestDataset.anno_path set to EvalDataset's, when both read the same dataset_dir and
    EvalDataset's file names exactly `classes` categories."""

    test, evaluated = ctx.get("TestDataset"), ctx.get("EvalDataset")
    if not isinstance(test, dict) or not isinstance(evaluated, dict):
        return ()
    anno = evaluated.get("anno_path")
    if not isinstance(anno, str) or test.get("dataset_dir") != evaluated.get("dataset_dir"):
        return ()
    source = ctx.facts.label_source({"metric": ctx.get("metric"), "TestDataset": evaluated},
                                    ctx.run_root)
    if source is None or not source.exists or source.path is None \
            or ctx.facts.count_categories(source.path) != classes:
        return ()
    origin = ctx.origin(("TestDataset", "anno_path"))
    path = origin.path if origin is not None else ""
    return (PlannedFix(f"Set TestDataset.anno_path to {anno} (EvalDataset's)", "safe",
                       (Change.set(("TestDataset", "anno_path"), anno, path=path),), value=anno,
                       reason=f"EvalDataset's annotation file exists and names {classes} "
                              "categories, the model's num_classes"),)


def check_labels(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step not in STEPS or ctx.role != "model":
        return
    classes = ctx.get("num_classes")
    source = ctx.facts.label_source(ctx.resolved.plain(), ctx.run_root)
    if source is None or not isinstance(classes, int):
        return
    what = "export_model.py writes into infer_cfg.yml" if ctx.step == "export" else \
        "tools/infer.py draws with"
    where = ctx.location(("TestDataset", "anno_path")) if source.anno_file else \
        ctx.location("TestDataset")
    if not source.exists:
        if source.fallback_count == classes:
            return  # the default list has the model's length: the dataset's own names
        given = (f"TestDataset's annotation file {source.anno_file} does not exist (from "
                 f"{ctx.run_root})" if source.anno_file else "TestDataset sets no anno_path")
        yield Issue(
            message=(f"{given}: ppdet's get_categories logs a warning and the labels "
                     f"{what} are {source.fallback}, for a model of {classes} classes; every "
                     "later step that reads label_list (deploy/python/infer.py, ACT's class "
                     "count) disagrees with the model; point TestDataset.anno_path (with "
                     "dataset_dir) at the annotation file of your dataset"),
            location=where, severity="warning", fixes=_eval_fix(ctx, classes),
            data=(("labels", source.fallback_count), ("num_classes", classes)))
        return
    if source.count is not None and source.count != classes:
        yield Issue(
            message=(f"TestDataset's annotation file {source.anno_file} names {source.count} "
                     f"categories, but the model has num_classes {classes}: the label list "
                     f"{what} has {source.count} names for {classes} outputs"),
            location=where, severity="warning", fixes=_eval_fix(ctx, classes),
            data=(("labels", source.count), ("num_classes", classes)))


RULES = (
    Rule(
        code="QF908", name="export-labels", severity="warning",
        summary="The export's label list does not come from a file with num_classes names.",
        explanation=(
            "export_model.py (and tools/infer.py) take label_list from TestDataset's "
            "annotation file (dataset_dir + anno_path). When the file is missing, ppdet only "
            "logs a warning and writes the metric's default names: 80 COCO names into the "
            "infer_cfg.yml of a 4-class model; deploy/python/infer.py then labels boxes with "
            "them, and ACT's class checks read them. A file with another number of categories "
            "than num_classes is as wrong."),
        example=("qatfix python tools/export_model.py -c configs/my/picodet_4cls.yml -o "
                 "weights=output/model_final.pdparams\n"
                 "# configs/my/picodet_4cls.yml\n"
                 "_BASE_: ['../picodet/picodet_s_320_coco_lcnet.yml']\n"
                 "num_classes: 4\n"
                 "TestDataset:\n"
                 "  !ImageFolder\n"
                 "    anno_path: my_dataset/annotations/val.json\n"
                 "    dataset_dir: dataset\n"),
        instead="TestDataset: {anno_path: annotations/val.json, dataset_dir: dataset/mine}",
        fix_safety=("safe when offered: EvalDataset's annotation file, which exists and names "
                    "num_classes categories, under the same dataset_dir."),
        evidence=("ppdet/engine/export_utils.py _parse_reader (get_anno, get_categories); "
                  "ppdet/data/source/category.py get_categories (default COCO categories); "
                  "ppdet/data/source/dataset.py ImageFolder.get_anno; PaddleDetection #5448, "
                  "#7996"),
        check=check_labels),
)
