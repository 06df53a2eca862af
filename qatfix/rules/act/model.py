"""QF960-QF964: the exported model an ACT config names.

QF960 the model cannot be identified (not checked), QF961 model/params file names that are
not in `model_dir` (paddle 3 exports `model.json`), QF962 `include_nms: false` without the
post-processing run_det.py has for it, QF963 `input_list` against the program's feeds, QF964
`include_nms` against what the program fetches (an export without NMS or with it).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from qatfix.findings import Location
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import ACT_TRAIN_CONFIG, act_global
from qatfix.config.kind import ACT_STEPS

if TYPE_CHECKING:
    from qatfix.rules.act_run import ActRun


def _program_keys(run: ActRun) -> str:
    """The settings checked against the exported program's feeds and outputs."""
    return "input_list" if run.flat else "Global.input_list, include_nms"


def check_unknown(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional[ActRun] = ctx.act
    if run is None:
        return
    if not act_facts.is_detection(run, ctx.facts):
        yield from _other_toolkit(ctx, run)
        return
    if act_facts.exported(run, ctx.facts) is not None:
        yield from _not_exported_yet(ctx, run)
        yield from _program_unread(ctx, run)
        return
    shown = run.global_config.get("model_dir")
    if not isinstance(shown, str) or not shown.strip():
        yield Issue(message=f"{run.key_text('model_dir')} is not set: the ACT script has no "
                            "model to compress (KeyError 'model_dir')",
                    location=ctx.location(run.key("model_dir")[:-1]), severity="error")
        return
    where = ("does not exist" if not ctx.facts.is_dir(run.model_dir or "") else
             "has no infer_cfg.yml")
    yield Issue(
        message=(f"the model was not checked: model_dir {shown.strip()} {where} (relative to "
                 f"{run.run_dir}) and its folder name is no official model; input size, "
                 "normalization and classes of the reader are unchecked"),
        location=ctx.location(run.key("model_dir")))


def _other_toolkit(ctx: CheckContext, run: ActRun) -> Iterator[Issue]:
    """An ACT config of another toolkit (PaddleSlim's OCR, classification, segmentation
    examples): what was checked and what was not."""
    import qatfix.rules.act_run as act_facts  # ACT runs only
    found = act_facts.script(run, ctx.facts)
    script = os.path.relpath(found or "", run.run_dir)
    module = ctx.facts.script_facts(found)[1] if found else ""
    slim = ctx.facts.strategy_keys().keys
    own = sorted(s for s in act_facts.script_sections(run, ctx.facts)
                 if s != "Global" and s not in slim)
    sections = f" and the sections it reads itself ({', '.join(own)})" if own else ""
    yield Issue(
        message=(f"ACT config of {act_facts.toolkit(run, ctx.facts)}, not PaddleDetection "
                 f"({script} beside it "
                 f"imports {module}): its strategy sections and keys were checked against "
                 f"PaddleSlim; its model (Global.model_dir), data, reader{sections} were not "
                 "checked"),
        location=ctx.location(("Global",)))


def _not_exported_yet(ctx: CheckContext, run: ActRun) -> Iterator[Issue]:
    """The model is known by its folder's name only: its program is not there to read."""
    import qatfix.rules.act_run as act_facts  # ACT runs only
    exported = act_facts.exported(run, ctx.facts)
    if exported is None or exported.files is not None or exported.official is None:
        return
    shown = str(run.global_config.get("model_dir")).strip()
    program_keys = _program_keys(run)
    outside = act_facts.model_dir_outside(run, ctx.facts)
    if outside:
        where = (f"model_dir {shown} lies outside the repository, which a review does not read: "
                 f"the reader was checked against the official model {exported.official} its "
                 f"name gives; the exported program's feeds and outputs ({program_keys}) "
                 "were not checked")
    else:
        where = (f"model_dir {shown} does not exist yet: the reader was checked against the "
                 f"official model {exported.official} its name gives; the exported program's "
                 f"feeds and outputs ({program_keys}) are checked once it is exported there")
    state = "lies outside the repository" if outside else "does not exist yet"
    yield Issue(message=where, location=ctx.location(run.key("model_dir")),
                headline=(f"model_dir {shown} {state}: checked as the official model "
                          f"{exported.official}; the program's feeds and outputs were not"))


def _program_unread(ctx: CheckContext, run: ActRun) -> Iterator[Issue]:
    """The program file is there but only model.json is read without paddle."""
    import qatfix.rules.act_run as act_facts  # ACT runs only
    exported = act_facts.exported(run, ctx.facts)
    name = run.global_config.get("model_filename")
    if (exported is None or exported.files is None or exported.program is not None
            or not isinstance(name, str) or name not in exported.files
            or name.endswith(".json")):
        return
    yield Issue(
        message=(f"the program {name} in {run.global_config.get('model_dir')} was not read "
                 "(a protobuf program of paddle 2; qatfix reads paddle 3's model.json without "
                 f"paddle): {_program_keys(run)} against its feeds and outputs are "
                 "unchecked; `qatfix --deep` loads it with paddle"),
        location=ctx.location(run.key("model_filename")))


def check_files(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional[ActRun] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    if run is None or model is None or model.files is None:
        return
    from qatfix.model.program_files import PROGRAM_FILES  # ACT runs only: not on every check

    files = set(model.files)
    for key in ("model_filename", "params_filename"):
        name = run.global_config.get(key)
        if not isinstance(name, str) or not name or name in files:
            continue
        fixes: tuple[PlannedFix, ...] = ()
        other = ""
        if key == "model_filename":
            present = [f for f in PROGRAM_FILES if f in files]
            if present:
                other = f"; the folder holds {present[0]}"
                if present[0] == "model.json":
                    other += " (paddle 3 writes the program as model.json)"
                fixes = (PlannedFix(f"Set {run.key_text(key)} to {present[0]}", "safe",
                                    (Change.set(run.key(key), present[0],
                                            path=ctx.config_path),), value=present[0],
                                    reason="the file exists in model_dir"),)
        yield Issue(
            message=(f"{run.key_text(key)} is {name}, which is not in model_dir "
                     f"{run.global_config.get('model_dir')}: loading the inference model "
                     f"fails{other}"),
            location=ctx.location(run.key(key)), fixes=fixes)


def check_nms(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional[ActRun] = ctx.act
    if run is None or not act_facts.is_detection(run, ctx.facts):
        return
    glob = run.global_config
    if glob.get("include_nms") is not False or not glob.get("Evaluation"):
        return
    arch = glob.get("arch")
    if arch == "PPYOLOE":
        return
    yield Issue(
        message=(f"Global.include_nms is false and Global.arch is {arch!r}: the evaluation of "
                 "run_det.py post-processes only arch PPYOLOE (its assert on a string never "
                 "fails), so the first evaluation stops with UnboundLocalError 'postprocess'"),
        location=ctx.location(("Global", "include_nms")))


def _shapes(fetches: tuple[tuple[int, ...], ...]) -> str:
    return ", ".join("[" + ", ".join(str(d) for d in shape) + "]" for shape in fetches)


def check_nms_outputs(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional[ActRun] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    program = model.program if model is not None else None
    if run is None or program is None or not program.fetches:
        return
    glob = run.global_config
    if not glob.get("Evaluation") or glob.get("arch") == "keypoint":
        return
    where = act_facts.program_read_from(run, model)
    fetched = f"the exported program ({where}) fetches {_shapes(program.fetches)}"
    if glob.get("include_nms") is not False:
        if program.gives_boxes_and_count:
            return
        yield Issue(
            message=(f"Global.include_nms is {glob.get('include_nms', 'not set (true)')} but "
                     f"{fetched}: no boxes with a 1-D box count, so it was exported without NMS "
                     "or post-processing (exclude_nms=True, exclude_post_process=True, "
                     "export.benchmark or export.nms: false); run_det.py's evaluation reads "
                     "every output of more than one dimension as 'bbox' and stops at the first "
                     "evaluation with KeyError 'bbox_num'; export the model again without that "
                     "option"),
            location=ctx.location(("Global", "include_nms") if "include_nms" in glob
                                  else ("Global",)), severity="error")
        return
    if glob.get("arch") != "PPYOLOE":
        return  # QF962
    if program.gives_boxes_and_count:
        yield Issue(
            message=(f"Global.include_nms is false but {fetched}: the boxes after NMS and their "
                     "count; run_det.py's PP-YOLOE post-processing takes the first output as "
                     "raw predictions and fails on the first evaluation (IndexError); with "
                     "include_nms: true "
                     "it reads these outputs as they are"),
            location=ctx.location(("Global", "include_nms")), severity="error",
            fixes=(PlannedFix("Set Global.include_nms to true", "safe",
                              (Change.set(("Global", "include_nms"), True,
                                      path=ctx.config_path),), value="true",
                              reason="the program fetches boxes and a 1-D count, what "
                                     "run_det.py reads with include_nms: true"),))
        return
    first = program.fetches[0]
    if len(first) != 3 or first[-1] <= 4:
        yield Issue(
            message=(f"Global.include_nms is false but {fetched}: run_det.py's PP-YOLOE "
                     "post-processing needs one output [batch, boxes, 4 + classes] (an export "
                     "with exclude_post_process=True); from this one it reads no class scores, "
                     "every image gets no box, and after a whole evaluation pass run_det.py "
                     "stops with KeyError 'bbox' (ppdet's COCOMetric scores nothing)"),
            location=ctx.location(("Global", "include_nms")), severity="error")


def check_inputs(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional[ActRun] = ctx.act
    model = act_facts.exported(run, ctx.facts) if run is not None else None
    if run is None or model is None or not model.feeds:
        return
    given = run.global_config.get("input_list")
    feeds = list(model.feeds)
    if given is None and run.flat:
        yield Issue(
            message=(f"input_list is not set: {run.script_name} feeds the reader's fields named "
                     "by config['input_list'] and stops with KeyError 'input_list' before it "
                     f"calibrates; the exported model's inputs are {feeds} (read from "
                     f"{act_facts.program_read_from(run, model)})"),
            location=Location(ctx.config_path, 1, 1),
            fixes=(PlannedFix(f"Set input_list to {feeds}", "safe",
                              (Change.set(("input_list",), feeds, path=ctx.config_path),),
                              value=str(feeds), reason="the feed names of the exported program"),))
        return
    if isinstance(given, dict):
        names = [str(v) for v in given.values()]
    elif isinstance(given, list):
        names = [str(v) for v in given]
    else:
        return  # run_det.py then asks the model for its feeds (get_feed_vars)
    extra = [n for n in names if n not in feeds]
    missing = [n for n in feeds if n not in names]
    if not extra and not missing:
        return
    parts = []
    if extra:
        parts.append(f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not an input "
                     f"of the model (`var {extra[0]} not in this block`)")
    if missing:
        parts.append(f"the model's input {', '.join(missing)} is never fed")
    instead = (f"set input_list to {feeds} ({run.script_name} needs it)" if run.flat else
               f"set input_list to {feeds} or leave it out (run_det.py then reads the feeds "
               "from the model)")
    yield Issue(
        message=(f"{run.key_text('input_list')} {names} does not match the exported model's "
                 f"inputs {feeds} (read from {act_facts.program_read_from(run, model)}): "
                 f"{'; '.join(parts)}; {instead}"),
        location=ctx.location(run.key("input_list")),
        fixes=(PlannedFix(f"Set {run.key_text('input_list')} to {feeds}", "safe",
                          (Change.set(run.key("input_list"), feeds,
                                  path=ctx.config_path),), value=str(feeds),
                          reason="the feed names of the exported program"),)
        if isinstance(given, list) else ())


RULES = (
    Rule(
        code="QF960", name="act-model-unknown", severity="info",
        applies_to=ACT_STEPS,
        situations=(("error",
                    "when Global.model_dir is not set: the script has no model"),),
        summary="The exported model of an ACT config could not be identified (not checked).",
        explanation=(
            "The reader is checked against the model: `model_dir/infer_cfg.yml` when the folder "
            "exists, else the official model the folder is named after. When neither is there, "
            "input size, normalization and classes are not checked, and the report says so. "
            "A program saved as a paddle 2 protobuf (`model.pdmodel`) is not read without "
            "paddle: then the feeds (input_list) and outputs (include_nms) are unchecked, and "
            "the report says that too, as it says that a model known by its folder's name "
            "only (not exported yet) had its program unchecked."),
        example=("qatfix python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/picodet_320_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/my_picodet_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/my_picodet_qat_dis.yaml\n"
                 + act_global("./my_export/", "model.pdmodel") +
                 "Distillation: {alpha: 1.0, loss: l2}\n"
                 "QuantAware: {use_pact: true, onnx_format: true, weight_bits: 8, activation_bits: 8, "
                 "quantize_op_types: [conv2d]}\n"
                 "TrainConfig: {train_iter: 16000, eval_iter: 1000, optimizer_builder: {optimizer: "
                 "{type: SGD}, weight_decay: 4.0e-05}}\n"),
        instead="export the model first (tools/export_model.py), or name its folder as the zoo",
        fix_safety="no fix.",
        evidence="ppdet/engine/export_utils.py _dump_infer_config writes infer_cfg.yml",
        check=check_unknown),
    Rule(
        code="QF961", name="act-model-files", severity="error",
        applies_to=ACT_STEPS,
        summary="Global.model_filename or params_filename is not in model_dir.",
        explanation=(
            "ACT loads `model_dir/model_filename` and `params_filename` "
            "(paddle.static.load_inference_model). paddle 3 writes the program as "
            "`model.json` (PIR), earlier releases as `model.pdmodel`; the shipped configs say "
            "model.pdmodel."),
        example=("qatfix deploy/auto_compression/configs/picodet_s_320_lcnet_qat_dis.yaml\n"
                 "# deploy/auto_compression/models/picodet_s_320_coco_lcnet/model.json\n"
                 '{"base_code": {"magic": "pir", "trainable": true, "version": 1}, "program": '
                 '{"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": '
                 '[{"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": "image"}, "N": "name"}, {"AT": '
                 '{"#": "1.a_intarray", "D": [-1, 3, 320, 320]}, "N": "shape"}]}]}]}]}}\n'),
        instead=("Global: {model_dir: ./models/picodet_s_320_coco_lcnet/, model_filename: model.json}"),
        fix_safety="safe: the name of the program file that is in model_dir.",
        evidence=("paddleslim/auto_compression/compressor.py AutoCompression.__init__ "
                  "(model_filename, params_filename); paddle.jit.save in "
                  "ppdet/engine/trainer.py export()"),
        check=check_files),
    Rule(
        code="QF962", name="act-nms-arch", severity="error",
        applies_to=ACT_STEPS,
        summary="include_nms: false without arch PPYOLOE stops run_det.py's evaluation.",
        explanation=(
            "With `include_nms: false` the evaluation post-processes the raw outputs, and "
            "run_det.py / run.py do that only for `arch: PPYOLOE`; for any other arch the "
            "`assert \"Not support ...\"` passes (a non-empty string) and `postprocess` is never "
            "set."),
        example=("qatfix deploy/auto_compression/configs/visdrone_qat_without_nms.yml\n"
                 "# deploy/auto_compression/configs/visdrone_qat_without_nms.yml\n"
                 "Global:\n"
                 "  reader_config: configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml\n"
                 "  input_list: ['image', 'scale_factor']\n"
                 "  arch: YOLO\n"
                 "  include_nms: False\n"
                 "  Evaluation: True\n"
                 "  model_dir: ../../output_inference/ppyoloe_crn_l_80e_sliced_visdrone_640_025\n"
                 "  model_filename: model.pdmodel\n"
                 "  params_filename: model.pdiparams\n"
                 "Distillation: {alpha: 1.0, loss: soft_label}\n"
                 "QuantAware: {onnx_format: True, use_pact: False, activation_quantize_type: "
                 "'moving_average_abs_max', quantize_op_types: [conv2d, depthwise_conv2d]}\n"
                 + ACT_TRAIN_CONFIG),
        instead="Global: {include_nms: false, Evaluation: true, arch: PPYOLOE}",
        fix_safety="no automatic fix: export with NMS (include_nms: true) or use a PP-YOLOE.",
        evidence="deploy/auto_compression/run_det.py eval_function (develop), run.py (2.6)",
        check=check_nms),
    Rule(
        code="QF963", name="act-input-list", severity="error",
        applies_to=ACT_STEPS,
        summary="Global.input_list names other inputs than the exported model's feeds.",
        explanation=(
            "run_det.py feeds the reader's fields named by `Global.input_list` to the program; "
            "without it, it asks the model (get_feed_vars). A name the program has no feed for "
            "fails with `var scale_factor not in this block`, a feed left out is never given. "
            "The feeds are read from paddle 3's model.json (`data` operations) without paddle, "
            "or under `--deep` by paddle.static.load_inference_model itself (model.json or a "
            "legacy model.pdmodel); "
            "ppdet's export keeps only the inputs the network uses (PicoDet without "
            "post-processing takes `image` alone). PaddleSlim's flat post-training "
            "quantization config holds `input_list` at its top level, and post_quant.py reads "
            "`config['input_list']` with no fallback: a config without it stops with KeyError "
            "'input_list' (the fix adds the program's feeds)."),
        example=("qatfix python deploy/auto_compression/run_det.py --config "
                 "deploy/auto_compression/configs/picodet_416_reader.yml --act_config_path "
                 "deploy/auto_compression/configs/picodet_s_416_npu_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/picodet_s_416_npu_qat_dis.yaml\n"
                 "Global:\n"
                 "  input_list: [image, im_shape, scale_factor]\n"
                 "  include_nms: True\n"
                 "  Evaluation: True\n"
                 "  model_dir: deploy/auto_compression/picodet_s_416_coco_npu/\n"
                 "  model_filename: model.json\n"
                 "  params_filename: model.pdiparams\n"
                 "Distillation: {alpha: 1.0, loss: l2}\n"
                 "QuantAware: {use_pact: true, onnx_format: true, weight_bits: 8, activation_bits: 8, "
                 "quantize_op_types: [conv2d]}\n" + ACT_TRAIN_CONFIG +
                 "# deploy/auto_compression/picodet_s_416_coco_npu/infer_cfg.yml\n"
                 "mode: paddle\n"
                 "draw_threshold: 0.5\n"
                 "metric: COCO\n"
                 "use_dynamic_shape: false\n"
                 "arch: PicoDet\n"
                 "min_subgraph_size: 3\n"
                 "Preprocess:\n"
                 "- {type: Resize, interp: 2, keep_ratio: false, target_size: [416, 416]}\n"
                 "- {type: NormalizeImage, is_scale: true, mean: [0, 0, 0], std: [1, 1, 1]}\n"
                 "- {type: Permute}\n"
                 "label_list: [person, bicycle, car, motorcycle, airplane, bus, train, truck, boat, "
                 "traffic light, fire hydrant, stop sign, parking meter, bench, bird, cat, dog, "
                 "horse, sheep, cow, elephant, bear, zebra, giraffe, backpack, umbrella, handbag, "
                 "tie, suitcase, frisbee, skis, snowboard, sports ball, kite, baseball bat, baseball "
                 "glove, skateboard, surfboard, tennis racket, bottle, wine glass, cup, fork, knife, "
                 "spoon, bowl, banana, apple, sandwich, orange, broccoli, carrot, hot dog, pizza, "
                 "donut, cake, chair, couch, potted plant, bed, dining table, toilet, tv, laptop, "
                 "mouse, remote, keyboard, cell phone, microwave, oven, toaster, sink, refrigerator, "
                 "book, clock, vase, scissors, teddy bear, hair drier, toothbrush]\n"
                 "# deploy/auto_compression/picodet_s_416_coco_npu/model.json\n"
                 '{"base_code": {"magic": "pir", "trainable": true, "version": 1}, "program": '
                 '{"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": '
                 '[{"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": "image"}, "N": "name"}, {"AT": '
                 '{"#": "1.a_intarray", "D": [-1, 3, 416, 416]}, "N": "shape"}]}, {"#": "1.data", '
                 '"A": [{"AT": {"#": "0.a_str", "D": "scale_factor"}, "N": "name"}, {"AT": {"#": '
                 '"1.a_intarray", "D": [-1, 2]}, "N": "shape"}]}]}]}]}}\n'),
        instead=("Global: {input_list: [image, scale_factor], model_dir: "
                 "deploy/auto_compression/picodet_s_416_coco_npu/}"),
        fix_safety="safe: the feed names of the exported program, as get_feed_vars reads them.",
        evidence=("deploy/auto_compression/run_det.py reader_wrapper / eval_function "
                  "(input_list); paddleslim/common/dataloader.py get_feed_vars; "
                  "ppdet/engine/trainer.py _get_infer_cfg_and_input_spec (_prune_input_spec)"),
        check=check_inputs),
    Rule(
        code="QF964", name="act-nms-outputs", severity="error",
        applies_to=ACT_STEPS,
        summary="include_nms does not match what the exported program fetches.",
        explanation=(
            "With `include_nms: true` (or no include_nms) run_det.py's evaluation takes the "
            "program's outputs as they are: each output of more than one dimension becomes "
            "'bbox', a 1-D one 'bbox_num', as ppdet's post-processing exports them. A model "
            "exported without NMS or post-processing (`-o exclude_nms=True`, "
            "`exclude_post_process=True`, `export.benchmark: true`, `export.nms: false`) "
            "fetches raw predictions instead, and the first evaluation stops with KeyError "
            "'bbox_num'. With `include_nms: false` and `arch: PPYOLOE`, run_det.py runs its own "
            "NMS on the first output, which must be [batch, boxes, 4 + classes] "
            "(exclude_post_process=True): boxes after NMS make it fail at once (IndexError); "
            "the two outputs of exclude_nms=True give no class scores, so no image gets a box "
            "and the evaluation ends with KeyError 'bbox'. The outputs are read from "
            "model.json's fetch operations."),
        example=("qatfix deploy/auto_compression/configs/picodet_bench_qat_dis.yaml\n"
                 "# deploy/auto_compression/configs/picodet_bench_qat_dis.yaml\n"
                 + act_global("./picodet_s_320_bench/", "model.json") +
                 "Distillation: {alpha: 1.0, loss: l2}\n"
                 "QuantAware: {use_pact: true, onnx_format: true, weight_bits: 8, activation_bits: 8, "
                 "quantize_op_types: [conv2d]}\n" + ACT_TRAIN_CONFIG +
                 "# deploy/auto_compression/picodet_s_320_bench/infer_cfg.yml\n"
                 "mode: paddle\n"
                 "metric: COCO\n"
                 "arch: PicoDet\n"
                 "Preprocess:\n"
                 "- {type: Resize, interp: 2, keep_ratio: false, target_size: [320, 320]}\n"
                 "- {type: NormalizeImage, is_scale: true, mean: [0.485, 0.456, 0.406], "
                 "std: [0.229, 0.224, 0.225]}\n"
                 "- {type: Permute}\n"
                 "label_list: [person]\n"
                 "# deploy/auto_compression/picodet_s_320_bench/model.json\n"
                 '{"program": {"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "ops": ['
                 '{"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": "image"}, "N": "name"}, '
                 '{"AT": {"#": "1.a_intarray", "D": [1, 3, 320, 320]}, "N": "shape"}]}, '
                 '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_str", "D": "fetch_name_0"}, "N": '
                 '"name"}, {"AT": {"#": "0.a_i32", "D": 0}, "N": "col"}], "O": [{"TT": {"#": '
                 '"0.t_dtensor", "D": [{"#": "0.t_f32"}, [1, 1600, 1], "NCHW", [], 0]}}]}, '
                 '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_str", "D": "fetch_name_1"}, "N": '
                 '"name"}, {"AT": {"#": "0.a_i32", "D": 1}, "N": "col"}], "O": [{"TT": {"#": '
                 '"0.t_dtensor", "D": [{"#": "0.t_f32"}, [1, 1600, 32], "NCHW", [], 0]}}]}'
                 ']}]}]}}\n'),
        instead=("export with NMS (no exclude_nms / exclude_post_process / export.benchmark) "
                 "for include_nms: true"),
        fix_safety=("safe where the program fetches boxes and a count (include_nms set to "
                    "true); otherwise no automatic fix: the model has to be exported again."),
        evidence=("deploy/auto_compression/run_det.py eval_function and post_process.py "
                  "PPYOLOEPostProcess; ppdet/metrics/coco_utils.py get_infer_results "
                  "(outs['bbox_num']) and metrics.py COCOMetric.accumulate; "
                  "ppdet/engine/trainer.py _get_infer_cfg_and_input_spec (export.post_process "
                  "/ export.nms / export.benchmark); exclude_nms in "
                  "ppdet/modeling/heads/ppyoloe_head.py; measured on develop's exports of "
                  "PicoDet-S-320 LCNet with and without export.benchmark"),
        check=check_nms_outputs),
)
