"""QF950-QF953: the reader config of an ACT run against the exported model it feeds.

QF950 the reader is not known (run_det.py takes it on the command line), QF951 input size,
QF952 normalization, QF953 number of classes.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from qatfix.findings import Location, Severity
from qatfix.model.sizes import Size, eval_input_size
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.config.kind import ACT_STEPS
from qatfix.model.normalization import RAW, reader_input

if TYPE_CHECKING:
    from qatfix.model.exported import ExportedModel
    from qatfix.rules.act_run import ActRun
    from qatfix.config import Resolved

# the ACT modules (`qatfix.act`, `qatfix.model.normalization`) are imported by the checks, after
# their guard: a ppdet training check never loads them


def _size_text(size: Size) -> str:
    return f"{size[0]}x{size[1]}"


def _reader_location(reader: "Resolved", key: str) -> Location:
    """Where the reader sets `key` (the EvalReader, or eval_height), else its first line."""
    for path in ((key,), ("EvalReader",)):
        origin = reader.origin(path)
        if origin is not None and origin.line:
            return Location(origin.path, origin.line, origin.column)
    return Location(reader.config_path, 1, 1)


def reader_fixes(run: "ActRun", candidates: list[str]) -> tuple[PlannedFix, ...]:
    """`Global.reader_config` set to a fitting reader (run.py reads it); a command-line reader
    (run_det.py --config) has no file to edit: the message gives the command instead."""
    if not run.reader_from_config:
        return ()
    return tuple(PlannedFix(f"Use the reader {c}", "safe",
                            (Change.set(run.key("reader_config"), c,
                                    path=run.act.config_path),), value=c,
                            reason="the reader's eval size and normalization are the model's")
                 for c in candidates)


def _instead(run: "ActRun", candidates: list[str]) -> str:
    if run.reader_inline:
        return (f"; {run.script_name} calibrates on {run.reader_shown}'s own EvalReader: set its "
                "Resize and NormalizeImage to the model's TestReader")
    if not candidates:
        return ""
    if run.reader_from_config:
        return f"; the reader that fits it: {candidates[0]}"
    return f"; run instead: {run.command(candidates[0])}"


def _instead_short(run: "ActRun", candidates: list[str]) -> str:
    """`_instead` in a few words, for the headline."""
    if not candidates or run.reader_inline:
        return ""
    if run.reader_from_config:
        return f"; {candidates[0]} fits"
    return f"; run with --config {candidates[0]}"


def _model_text(model: "ExportedModel") -> str:
    return model.source


def check_unknown(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional["ActRun"] = ctx.act
    if run is None or run.reader is not None or not act_facts.is_detection(run, ctx.facts):
        return  # another toolkit's run: QF960 says what was not checked
    from qatfix.rules.act.readers import fitting_readers

    model = act_facts.exported(run, ctx.facts)
    fitting = fitting_readers(run, model, ctx.facts) if model is not None else []
    hint = (f"; readers beside it that fit {model.official or 'the model'}: "
            f"{', '.join(os.path.basename(f) for f in fitting)}"
            if fitting and model is not None else "")
    act = os.path.relpath(ctx.config_path, run.run_dir)
    yield Issue(
        message=(f"the reader config was not checked: this ACT config sets no "
                 f"Global.reader_config, and develop's run_det.py takes the reader as --config; "
                 f"check the run with `qatfix python run_det.py --config READER.yml "
                 f"--act_config_path {act}`{hint}"),
        location=ctx.location(("Global",)))


def check_size(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional["ActRun"] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    if run is None or run.reader is None or model is None:
        return
    want = model.size or model.nominal_size
    got = eval_input_size(run.reader.plain())
    if want is None or got is None:
        side = (f"the reader {run.reader_shown} has no EvalReader Resize or eval size"
                if got is None else f"{model.source} gives no input size")
        yield Issue(message=f"the input size was not checked: {side}",
                    location=_reader_location(run.reader, "EvalReader"), severity="info")
        return
    from qatfix.rules.act.readers import fitting_readers

    if got == want:
        yield from _varying_shapes(ctx, run, model)
        return
    candidates = fitting_readers(run, model, ctx.facts)
    if model.size is not None:
        effect = ("the exported network's input is fixed to that size: ACT stops with "
                  "`ReshapeOp ... shape attribute is invalid` (or computes garbage), often at "
                  "the first evaluation after an hour of training")
        severity: Severity = "error"
    else:
        effect = ("the network takes any size, but it was trained and evaluated at "
                  f"{_size_text(want)}: the compressed model is calibrated and scored at another "
                  "size than it is deployed at")
        severity = "warning"
    yield Issue(
        message=(f"the reader {run.reader_shown} resizes to {_size_text(got)}, but the model "
                 f"({_model_text(model)}) takes {_size_text(want)}: {effect}"
                 f"{_instead(run, candidates)}"),
        headline=(f"the reader {run.reader_shown} resizes to {_size_text(got)}, the model takes "
                  f"{_size_text(want)}{_instead_short(run, candidates)}"),
        location=_reader_location(run.reader, "eval_height"),
        fixes=reader_fixes(run, candidates), severity=severity,
        data=(("reader_size", list(got)), ("model_size", list(want)),
              ("readers", candidates)))


def _varying_shapes(ctx: CheckContext, run: "ActRun", model: "ExportedModel"
                    ) -> Iterator[Issue]:
    """A reader at the right size whose Resize keeps the aspect ratio, for a fixed input."""
    from qatfix.rules.act.readers import fitting_readers, ratio_kept_resize

    assert run.reader is not None
    index = ratio_kept_resize(run.reader.plain())
    if model.size is None or index is None:
        return
    where = ("EvalReader", "sample_transforms", index, "Resize")
    candidates = fitting_readers(run, model, ctx.facts)
    keep = run.reader.origin((*where, "keep_ratio"))
    yield Issue(
        message=(f"the reader {run.reader_shown} resizes to {_size_text(model.size)} keeping the "
                 "aspect ratio (Resize keep_ratio, no Pad to a fixed size after it), so its "
                 "images come out in many shapes, but the exported network's input is fixed to "
                 f"{_size_text(model.size)} ({_model_text(model)}): ACT stops with `ReshapeOp "
                 "... shape attribute is invalid` on the first image that is not square; set "
                 f"keep_ratio: false, as the export's own Resize does{_instead(run, candidates)}"),
        location=(Location(keep.path, keep.line, keep.column) if keep is not None and keep.line
                  else _reader_location(run.reader, "EvalReader")),
        fixes=(PlannedFix("Set keep_ratio to false in the EvalReader Resize", "safe",
                          (Change.set((*where, "keep_ratio"), False,
                                  path=run.reader.config_path),), value="false",
                          reason="the reader then gives every image the fixed input size, as "
                                 "the exported model's Resize does"),))


def check_normalization(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional["ActRun"] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    if run is None or run.reader is None or model is None:
        return
    from qatfix.rules.act.readers import fitting_readers

    want = model.normalization
    got = reader_input(run.reader.get, "EvalReader")
    if want is None or got is None:
        side = (f"the reader {run.reader_shown}'s EvalReader cannot be read" if got is None
                else f"{model.source} does not say how images are normalized")
        yield Issue(message=f"the normalization was not checked: {side}",
                    location=_reader_location(run.reader, "EvalReader"), severity="info")
        return
    if got.same_as(want):
        return
    candidates = fitting_readers(run, model, ctx.facts)
    twice = (" (the exported network normalizes itself: TestReader.fuse_normalize)"
             if want.same_as(RAW) and not got.same_as(RAW) else "")
    yield Issue(
        message=(f"the reader {run.reader_shown} feeds {got.describe()}, but the model "
                 f"({_model_text(model)}) expects {want.describe()}{twice}: every image reaches the "
                 f"network on another scale, and calibration and accuracy are wrong"
                 f"{_instead(run, candidates)}"),
        headline=(f"the reader {run.reader_shown} normalizes otherwise than the model expects "
                  f"({want.describe()}){_instead_short(run, candidates)}"),
        location=_reader_location(run.reader, "EvalReader"),
        fixes=reader_fixes(run, candidates))


def check_classes(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional["ActRun"] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    if run is None or run.reader is None or model is None:
        return
    want = model.num_classes
    got = run.reader.get("num_classes")
    if not isinstance(want, int) or not isinstance(got, int) or got == want:
        return
    yield Issue(
        message=(f"the reader {run.reader_shown} sets num_classes {got}, but the model "
                 f"({_model_text(model)}) has {want} classes: the metric scores the "
                 f"model's class ids against another label set"),
        location=_reader_location(run.reader, "num_classes"))


_EVIDENCE_READER = (
    "deploy/auto_compression/run_det.py main() (develop: `load_config(FLAGS.config)`, "
    "`create('EvalReader')`) and run.py main() (release-2.6: "
    "`load_config(global_config['reader_config'])`); ppdet/engine/export_utils.py "
    "`_parse_reader` and `_dump_infer_config` (infer_cfg.yml)")

RULES = (
    Rule(
        code="QF950", name="act-reader-not-given", severity="info",
        applies_to=ACT_STEPS,
        summary="The reader config of an ACT run is not known, so it was not checked.",
        explanation=(
            "develop's run_det.py takes the ppdet reader config on the command line "
            "(`--config`); release-2.6's run.py reads `Global.reader_config`. An ACT config "
            "that sets neither, checked on its own, says nothing about the images it will be "
            "calibrated on: qatfix names the readers beside it that fit the model and how to "
            "check the whole run."),
        example="qatfix deploy/auto_compression/configs/picodet_s_320_lcnet_qat_dis.yaml",
        instead=("cd deploy/auto_compression && qatfix python run_det.py --config "
                 "configs/picodet_320_reader.yml --act_config_path "
                 "configs/picodet_s_320_lcnet_qat_dis.yaml"),
        fix_safety="no fix: give the command line.",
        evidence=_EVIDENCE_READER, check=check_unknown),
    Rule(
        code="QF951", name="act-reader-size", severity="error",
        applies_to=ACT_STEPS,
        situations=(("warning",
                    "when the exported model takes any input size"),
                    ("info",
                    "when a size could not be read (not checked)"),),
        summary="The ACT reader resizes to another size than the exported model takes.",
        explanation=(
            "`tools/export_model.py` fixes the network's input to "
            "`TestReader.inputs_def.image_shape` and writes that size into infer_cfg.yml. An "
            "ACT reader that resizes elsewhere feeds a tensor the graph cannot reshape "
            "(`ReshapeOp ... shape attribute is invalid`), sometimes only at the first "
            "evaluation. With a dynamic input it runs, calibrated at the wrong size (warning). "
            "A reader at the right size whose Resize keeps the aspect ratio without a Pad to "
            "that size after it gives images of many shapes, which a fixed input refuses as "
            "well (the fix sets keep_ratio: false, as the export's own Resize)."),
        example=("qatfix python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/picodet_416_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/picodet_s_320_lcnet_qat_dis.yaml"),
        instead=("python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/picodet_320_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/picodet_s_320_lcnet_qat_dis.yaml"),
        fix_safety=("safe when the reader is `Global.reader_config`: another reader of the same "
                    "folder whose size and normalization are the model's; on the command line "
                    "the message gives the command. keep_ratio: false on a reader at the "
                    "model's size: safe, every image then has the fixed shape."),
        evidence=(_EVIDENCE_READER + "; ppdet/engine/trainer.py `_get_infer_cfg_and_input_spec`"
                  "; ppdet/data/transform/operators.py Resize (keep_ratio) and Pad"),
        check=check_size),
    Rule(
        code="QF952", name="act-reader-normalization", severity="error",
        applies_to=ACT_STEPS,
        situations=(("info",
                    "when a normalization could not be read (not checked)"),),
        summary="The ACT reader normalizes images differently from the exported model.",
        explanation=(
            "Reader families differ: PP-YOLOE+ and RT-DETR divide by 255 only (mean 0, std 1), "
            "PP-YOLOE and LCNet PicoDet use ImageNet mean/std. With "
            "`TestReader.fuse_normalize: true` the exported network normalizes itself and "
            "infer_cfg.yml has no NormalizeImage, so a reader that still normalizes does it "
            "twice. Either way the network sees other values than it was trained on."),
        example=("qatfix python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/picodet_416_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/picodet_s_320_lcnet_qat_dis.yaml"),
        instead="a reader whose NormalizeImage is the model's TestReader's (none when fused)",
        fix_safety="as QF951: a reader that fits size and normalization, verified.",
        evidence=("ppdet/data/transform/operators.py NormalizeImage.apply; "
                  "ppdet/modeling/architectures/meta_arch.py BaseArch.load_meanstd (fuse_norm); "
                  "ppdet/engine/export_utils.py _parse_reader (fuse_normalize drops "
                  "NormalizeImage)"),
        check=check_normalization),
    Rule(
        code="QF953", name="act-reader-classes", severity="error",
        applies_to=ACT_STEPS,
        summary="The ACT reader's num_classes is not the exported model's class count.",
        explanation=(
            "The reader's dataset and `num_classes` decide how run_det.py scores the model "
            "(COCOMetric / VOCMetric with `class_num`); the exported model predicts the classes "
            "of its `label_list` in infer_cfg.yml. Another count scores ids against the wrong "
            "labels."),
        example=("qatfix python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/visdrone_80_classes_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_qat.yml\n"
                 "# deploy/auto_compression/configs/visdrone_80_classes_reader.yml\n"
                 "_BASE_: [ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml]\n"
                 "num_classes: 80\n"),
        instead="num_classes: 10   # the length of label_list in infer_cfg.yml",
        fix_safety="no automatic fix: the dataset decides which is right.",
        evidence=_EVIDENCE_READER, check=check_classes),
)
