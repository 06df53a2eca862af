"""QF980-QF989: pasted commands that run an exported model, read with the script's own parser.

QF980 the script's parser stops on the command (unrecognized or invalid arguments), QF981 a
`type=bool` flag given a false word (read as True), QF982 a fake-quant program converted to
ONNX, QF983 int8 TensorRT on a program without quantization scales, QF984 a quantized program
evaluated with `--precision int8` but without TensorRT (it runs in fp32), QF985 a quantized
program benchmarked without an int8 mode, QF986 `--include_nms` against what the program
fetches, QF987 deploy/python/infer.py on an export without post-processing, QF988 a script that
opens `model.pdmodel` where paddle 3 wrote `model.json`, QF989 what was not checked.
The facts are in `qatfix.model.deployment` (the command and the model) and
`qatfix.config.script_flags` (the parser).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from qatfix.findings import Location, Safety
from qatfix.rules.base import Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
import shlex
from qatfix.config.kind import DEPLOY_STEPS, PPDET_STEPS

if TYPE_CHECKING:
    from qatfix.config.script_flags import Flag, ParsedCommand
    from qatfix.model.deployment import DeployRun

#: words users type meaning "no", which `bool()` reads as True
FALSE_WORDS = ("false", "0", "no", "off", "none", "n", "f")
#: the example's exported model: a float PicoDet as develop's ppdet exports it on paddle 3
_DETECTION_FETCHES = (
    '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_str", "D": "fetch_name_0"}, "N": "name"}, '
    '{"AT": {"#": "0.a_i32", "D": 0}, "N": "col"}], "O": [{"TT": {"#": "0.t_dtensor", "D": '
    '[{"#": "0.t_f32"}, [-1, 6], "NCHW", [], 0]}}]}, '
    '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_str", "D": "fetch_name_1"}, "N": "name"}, '
    '{"AT": {"#": "0.a_i32", "D": 1}, "N": "col"}], "O": [{"TT": {"#": "0.t_dtensor", "D": '
    '[{"#": "0.t_i32"}, [-1], "NCHW", [], 0]}}]}')


def _model_json(extra_ops: str = "", fetches: str = _DETECTION_FETCHES) -> str:
    ops = ('{"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": "image"}, "N": "name"}, '
           '{"AT": {"#": "1.a_intarray", "D": [-1, 3, 320, 320]}, "N": "shape"}]}, '
           + extra_ops + ('{"#": "1.multiclass_nms3", "A": []}, '
                          if fetches == _DETECTION_FETCHES else "") + fetches)
    return ('{"base_code": {"magic": "pir", "trainable": true, "version": 4}, "program": '
            '{"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": ['
            + ops + ']}]}]}}\n')


_FAKE_OP = '{"#": "1.fake_quantize_dequantize_moving_average_abs_max", "A": []}, '
_LINEAR_OPS = '{"#": "1.quantize_linear", "A": []}, {"#": "1.dequantize_linear", "A": []}, '
_INFER_CFG = ("mode: paddle\ndraw_threshold: 0.5\nmetric: COCO\nuse_dynamic_shape: false\n"
              "arch: GFL\nmin_subgraph_size: 3\nPreprocess:\n"
              "- {type: Resize, interp: 2, keep_ratio: false, target_size: [320, 320]}\n"
              "- {type: NormalizeImage, is_scale: true, mean: [0.485, 0.456, 0.406], "
              "std: [0.229, 0.224, 0.225]}\n- {type: Permute}\nlabel_list: [person]\n")


def _example(command: str, model: str, extra_ops: str = "",
             fetches: str = _DETECTION_FETCHES) -> str:
    return (f"{command}\n# deploy/auto_compression/{model}/infer_cfg.yml\n{_INFER_CFG}"
            f"# deploy/auto_compression/{model}/model.json\n"
            + _model_json(extra_ops, fetches))


def _run_instead(title: str, line: str, safety: Safety, reason: str) -> tuple[PlannedFix, ...]:
    """The corrected command as the finding's fix: a pasted command is no file, so the fix
    edits nothing and carries the command line (`--apply` prints it)."""
    return (PlannedFix(title, safety, (), value=line, command=line, reason=reason),)


def _run(ctx: CheckContext) -> Optional["DeployRun"]:
    run: Optional[DeployRun] = ctx.deploy
    return run


def _command(ctx: CheckContext) -> Optional["ParsedCommand"]:
    run = _run(ctx)
    if run is not None:
        return run.command
    command: Optional[ParsedCommand] = ctx.command
    return command


def _flag_location(flag: Optional["Flag"], fallback: str) -> Location:
    if flag is None or not flag.path:
        return Location(fallback)
    return Location(flag.path, flag.line, 1)


def _model_location(run: "DeployRun") -> Location:
    program = run.program
    if program is not None:
        return Location(program.source)
    return Location(run.model_path or run.script)


def _false_text(flag: Optional["Flag"]) -> str:
    """What makes the flag False on this script's parser."""
    if flag is None:
        return "False"
    if flag.kind == "bool":
        return ""  # `--flag=`: bool("") is the only False
    return "False"


def _true(run: "DeployRun", dest: str) -> bool:
    return bool(run.value(dest))


# ------------------------------------------------------------------ QF980: the parser stops

def _with_options(command: "ParsedCommand", settings: list[str]) -> str:
    """The typed command without the unknown tokens, `settings` added to its -o group (after
    the group's last value, or a new group at the end)."""

    words = [t for t in command.argv if t not in command.unknown]
    flag = command.parser.flag("opt")
    names = flag.names if flag is not None else ("-o",)
    starts = [i for i, t in enumerate(words) if t in names]
    if not starts:
        return shlex.join([*words, "-o", *settings])
    end = starts[-1] + 1
    while end < len(words) and not words[end].startswith("-"):
        end += 1
    return shlex.join([*words[:end], *settings, *words[end:]])


def check_parser_stops(ctx: CheckContext) -> Iterator[Issue]:
    command = _command(ctx)
    if command is None or not command.error:
        return
    script = command.parser.script
    hint = ""
    fixes: tuple[PlannedFix, ...] = ()
    has_options = command.parser.flag("opt") is not None
    settings = [t for t in command.unknown if t.startswith("--") and "=" in t]
    if has_options and settings:
        moved = [t[2:] for t in settings]
        line = _with_options(command, moved)
        hint = ("; it takes config settings only through -o (one group: a second -o replaces "
                f"the first); run instead: {line}")
        dropped = [t for t in command.unknown if t not in settings]
        fixes = _run_instead(
            f"Give {', '.join(moved)} through -o", line, "unsafe" if dropped else "safe",
            (f"it also leaves out {' '.join(dropped)}, which the parser refuses: check that "
             "nothing else was meant" if dropped else
             "every setting reaches the config through -o, as the script reads it; no file "
             "changes"))
    location = Location(script)
    yield Issue(
        message=(f"{command.parser.script} stops before it runs: {command.error} (its own "
                 f"argparse parser, read from {', '.join(command.parser.files)}){hint}"),
        location=location, severity="error", fixes=fixes,
        data=(("error", command.error), ("unknown", list(command.unknown))))


# ------------------------------------------------------- QF981: type=bool given a false word

def check_bool_flags(ctx: CheckContext) -> Iterator[Issue]:
    command = _command(ctx)
    run = _run(ctx)
    if command is None:
        return
    for flag in command.parser.flags:
        text = command.given.get(flag.dest)
        if flag.kind != "bool" or text is None or text.strip().lower() not in FALSE_WORDS:
            continue
        fix = (f"leave {flag.shown} out (it defaults to False)" if flag.default is False else
               f"give it an empty value: {flag.shown}= (bool('') is the only text it reads "
               "as False)")
        line = ""
        fixes: tuple[PlannedFix, ...] = ()
        if run is not None:
            corrected = (run.line(drop=[flag.shown]) if flag.default is False
                         else run.line({flag.shown: ''}))
            line = f"; run instead: {corrected}"
            fixes = _run_instead(
                f"Leave {flag.shown} out" if flag.default is False
                else f"Give {flag.shown} an empty value", corrected, "safe",
                f"the script's parser then reads {flag.shown} as False, as the command meant; "
                "nothing else in it changes")
        yield Issue(
            message=(f"{flag.shown} {text} is read as True: the script declares it "
                     f"type=bool, and argparse passes the text to bool(), which is True for "
                     f"every non-empty string; {fix}{line}"),
            location=_flag_location(flag, command.parser.script), severity="warning",
            fixes=fixes,
            data=(("flag", flag.shown), ("given", text)))


# --------------------------------------------------------- QF982: fake-quant program to ONNX

def check_fake_quant_onnx(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.tool != "convert" or run.program is None:
        return
    if run.program.quantization not in ("fake", "both"):
        return
    ops = run.program.fake_quant_ops
    yield Issue(
        message=(f"the program {run.program.source} holds simulated-quantization operations "
                 f"({', '.join(ops[:3])}{', ...' if len(ops) > 3 else ''}): an export of "
                 "onnx_format false, which Paddle2ONNX does not convert (\"Oops, there are "
                 "some operators not supported yet\"), so neither ONNX Runtime nor TensorRT "
                 "through ONNX can run it; export the quantized model again with "
                 "QAT.quant_config.onnx_format: true (PaddleSlim >= 2.4; ACT: "
                 "QuantAware/QuantPost onnx_format: true), which writes quantize_linear / "
                 "dequantize_linear, then convert that"),
        location=_model_location(run), severity="error",
        data=(("quantization", "fake"), ("operations", list(ops))))


# ---------------------------------------------- QF983: int8 TensorRT on a float program

def check_int8_without_scales(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.program is None or run.program.quantization != "none":
        return
    if run.tool == "infer" and run.value("run_mode") == "trt_int8" \
            and not _true(run, "trt_calib_mode"):
        calibrate = run.line({'--trt_calib_mode': 'True'})
        yield Issue(
            message=(f"--run_mode trt_int8 on a float program ({run.program.source} holds no "
                     "quantization operations) without --trt_calib_mode: TensorRT has no "
                     "int8 scales (\"no scaling factors detected\") and infer.py passes "
                     "use_calib_mode=False; calibrate with TensorRT (the first run writes the "
                     "calibration table), or quantize the model first (QAT, PTQ or ACT); run "
                     f"instead: {calibrate}"),
            location=_model_location(run), severity="error",
            fixes=_run_instead("Calibrate with TensorRT (--trt_calib_mode True)", calibrate,
                               "unsafe", "TensorRT calibrates on the images of the first run, "
                               "which writes the calibration table: the int8 accuracy depends "
                               "on them; quantizing the model (QAT, PTQ, ACT) is the other way"))
    elif run.tool == "evaluate" and run.value("precision") == "int8" \
            and _true(run, "use_trt"):
        fp16 = run.line({'--precision': 'fp16'})
        yield Issue(
            message=(f"--precision int8 with TensorRT on a float program ({run.program.source} "
                     f"holds no quantization operations): {run.script_name} builds the engine "
                     "with use_calib_mode=False, so TensorRT has no int8 scales; evaluate the "
                     "quantized model ACT writes (its save_dir), or run instead: "
                     f"{fp16}"),
            location=_model_location(run), severity="error",
            fixes=_run_instead("Evaluate at fp16", fp16, "unsafe",
                               "it measures the float model at fp16, not an int8 one: evaluate "
                               "the quantized model ACT writes to compare int8"))


# ----------------------------------------- QF984: int8 evaluation without TensorRT (fp32)

def check_int8_without_trt(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.tool != "evaluate" or run.value("precision") != "int8":
        return
    if _true(run, "use_trt"):
        return
    if str(run.value("device", "")).upper() == "CPU" and _true(run, "use_mkldnn"):
        return  # enable_mkldnn_int8 runs int8 on the CPU
    command = run.command
    flag = command.parser.flag("use_trt") if command is not None else None
    trt = run.line({'--use_trt': 'True'})
    yield Issue(
        message=(f"--precision int8 without --use_trt: {run.script_name} applies the precision "
                 "only to a TensorRT engine (`if precision in precision_map.keys() and "
                 "use_trt`), so the model runs in fp32 on Paddle Inference; a quantized "
                 "model then runs its quantize/dequantize operations in float (no speed-up) "
                 f"and a float one is evaluated as fp32; run instead: {trt}"),
        location=_flag_location(flag, run.script), severity="warning",
        fixes=_run_instead("Run the int8 precision on TensorRT (--use_trt True)", trt, "unsafe",
                           "it needs a GPU and a paddle built with TensorRT; on a CPU, "
                           "--device CPU --use_mkldnn True runs int8 instead"))


# ------------------------------------------- QF985: a quantized program without an int8 mode

def check_quant_without_int8(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.program is None or run.program.quantization == "none":
        return
    if run.tool == "infer":
        mode = run.value("run_mode")
        if mode == "trt_int8" or not _true(run, "run_benchmark"):
            return
        int8 = run.line({'--run_mode': 'trt_int8', '--device': 'GPU'})
        yield Issue(
            message=(f"a quantized program ({run.program.source}: {run.program.quantization} "
                     f"quantization operations) benchmarked with --run_mode {mode}: only "
                     "trt_int8 runs it in int8, any other mode runs the quantize/dequantize "
                     "operations in float and shows no speed-up over the float model; run "
                     f"instead: {int8}"),
            location=_model_location(run), severity="warning",
            fixes=_run_instead("Benchmark with --run_mode trt_int8", int8, "unsafe",
                               "it needs a GPU and a paddle built with TensorRT"))
    elif run.tool == "evaluate" and _true(run, "benchmark") and _true(run, "use_trt") \
            and run.value("precision") not in ("int8",):
        int8 = run.line({'--precision': 'int8'})
        yield Issue(
            message=(f"a quantized program ({run.program.source}) benchmarked with "
                     f"--precision {run.value('precision')}: its speed is not int8's; run "
                     f"instead: {int8}"),
            location=_model_location(run), severity="warning",
            fixes=_run_instead(
                "Benchmark with --precision int8", int8,
                "safe" if run.program.quantization == "linear" else "unsafe",
                "the command already runs TensorRT, and the program's quantize_linear "
                "operations carry the int8 scales TensorRT reads"
                if run.program.quantization == "linear" else
                "the program holds simulated-quantization (fake_*) operations: check that this "
                "paddle's TensorRT reads their scales"))


# --------------------------------------------- QF986: --include_nms against the fetches

def check_include_nms(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.tool != "evaluate" or run.program is None or not run.program.fetches:
        return
    command = run.command
    flag = command.parser.flag("include_nms") if command is not None else None
    include = _true(run, "include_nms") if command is not None else True
    fetched = ", ".join("[" + ", ".join(str(d) for d in s) + "]" for s in run.program.fetches)
    given = command.given.get("include_nms") if command is not None else None
    read = f" (--include_nms {given} is read as True)" if given is not None and include else ""
    if include and not run.program.gives_boxes_and_count:
        raw = run.line({'--include_nms': _false_text(flag)})
        yield Issue(
            message=(f"--include_nms is True{read} but the program {run.program.source} "
                     f"fetches {fetched}: no boxes with a 1-D box count, so it was exported "
                     "without NMS (exclude_nms, exclude_post_process, export.benchmark); "
                     f"{run.script_name} reads the second output as the box count and the "
                     "evaluation fails; evaluate an export with NMS, or (PP-YOLOE exported "
                     f"with exclude_post_process) run instead: {raw}"),
            location=_model_location(run), severity="error",
            fixes=_run_instead("Evaluate the raw outputs (--include_nms False)", raw, "unsafe",
                               "right for a PP-YOLOE exported with exclude_post_process (the "
                               "script's PPYOLOEPostProcess); another export needs NMS again"))
    elif not include and run.program.gives_boxes_and_count:
        nms = run.line(drop=['--include_nms'])
        yield Issue(
            message=(f"--include_nms is False but the program {run.program.source} fetches "
                     f"{fetched}: boxes after NMS with their count; {run.script_name} then runs "
                     "PPYOLOEPostProcess on the boxes as if they were raw predictions; run "
                     f"instead: {nms}"),
            location=_model_location(run), severity="error",
            fixes=_run_instead("Leave --include_nms at its default (True)", nms, "safe",
                               "the program fetches boxes after NMS with their count, which "
                               "is what the script reads with include_nms True"))


# -------------------------------------------- QF987: infer.py on raw predictions

#: infer_cfg.yml archs deploy/python/infer.py post-processes itself (raw outputs)
OWN_POSTPROCESS = ("PicoDet", "SOLOv2", "CLRNet")


def check_infer_raw_outputs(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.tool != "infer" or run.program is None or not run.program.fetches:
        return
    if run.program.gives_boxes_and_count or run.program.has_nms:
        return
    arch = run.exported.arch if run.exported is not None else None
    if arch in OWN_POSTPROCESS:
        return
    fetched = ", ".join("[" + ", ".join(str(d) for d in s) + "]" for s in run.program.fetches)
    yield Issue(
        message=(f"the program {run.program.source} fetches {fetched}: raw predictions of an "
                 "export without post-processing (exclude_post_process=True or "
                 f"export.benchmark: true), but infer.py's Detector (arch {arch}) reads the "
                 "first output as boxes [N, 6] (class, score, x1, y1, x2, y2) and the second "
                 "as their count: no valid box comes out; export again without "
                 "exclude_post_process / export.benchmark for infer.py"),
        location=_model_location(run), severity="error")


# ------------------------------------------ QF988: model.pdmodel where paddle 3 wrote json

def check_program_file(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None or run.files is None or not run.fixed_program:
        return
    if set(run.fixed_program) & set(run.files):
        return
    present = [f for f in ("model.json", "model.pdmodel") if f in run.files]
    where = (f"the folder holds {present[0]} (paddle 3 writes the program as model.json)"
             if present else "the folder holds no program file")
    path, line = run.fixed_program_at
    yield Issue(
        message=(f"{run.script_name} opens {' or '.join(run.fixed_program)} in "
                 f"{run.model_dir}, names fixed in its source, but {where}: creating the predictor fails; use a script that "
                 "opens the folder by its prefix, as develop's deploy/python/infer.py does on "
                 "paddle 3 (Config(model_dir, 'model') finds model.json), or export with paddle "
                 "2.x for this script"),
        location=Location(path, line, 1) if path else _model_location(run), severity="error")


# ------------------------------------------------------------------ QF989: not checked

def check_not_checked(ctx: CheckContext) -> Iterator[Issue]:
    run = _run(ctx)
    if run is None:
        return
    gaps: list[str] = []
    if run.parser_missing:
        gaps.append(run.parser_missing + " (flag types, unknown flags)")
    if run.model_dir is None:
        gaps.append("the command names no model folder")
    elif run.files is None:
        gaps.append(f"the model folder {run.model_dir} does not exist from here")
    elif run.program is None:
        gaps.append(f"{run.model_dir} holds no program qatfix can read (model.json, or a "
                    "paddle 2 model.pdmodel): its quantization operations and outputs")
    elif not run.program.fetches:
        gaps.append(f"the outputs of {run.program.source} (a paddle 2 program: its operations "
                    "were read, not its fetched shapes): --include_nms and infer.py's "
                    "post-processing against them")
    if not gaps:
        return
    yield Issue(message="not checked: " + "; ".join(gaps),
                location=Location(run.model_path or run.script))


def _example_command(script: str, *flags: str) -> str:
    return "qatfix python " + script + " " + " ".join(flags)


RULES = (
    Rule(
        code="QF980", name="script-arguments", severity="error",
        applies_to=(*PPDET_STEPS, *DEPLOY_STEPS),
        summary="The pasted command stops in the script's own argument parser.",
        explanation=(
            "The command is parsed with the flags the script declares (its add_argument "
            "calls, read from its source and the parser factories it imports), as argparse "
            "parses them: an unrecognized flag, a value its type rejects or a missing required "
            "flag stops the script before anything runs. ppdet's tools take config settings "
            "only through -o (`export_model.py --trt=True` is `-o trt=True`)."),
        example=("qatfix python tools/export_model.py -c "
                 "configs/picodet/picodet_s_320_coco_lcnet.yml --trt=True"),
        instead="python tools/export_model.py -c MODEL.yml -o trt=True",
        fix_safety=("the corrected command, editing no file (--apply prints it): safe when it only "
                    "moves settings into -o, unsafe when it also drops tokens the script does not "
                    "know."),
        evidence="argparse.ArgumentParser.parse_args; ppdet/utils/cli.py ArgsParser (-c, -o)",
        check=check_parser_stops),
    Rule(
        code="QF981", name="bool-flag-false", severity="warning",
        applies_to=DEPLOY_STEPS,
        summary="A type=bool flag given False, which argparse reads as True.",
        explanation=(
            "`type=bool` makes argparse call bool() on the text: bool('False') is True, only "
            "an empty value is False. release-2.6's paddle_inference_eval.py declares "
            "--include_nms, --use_trt, --use_dynamic_shape, --use_mkldnn and --benchmark so, "
            "and deploy/python/infer.py --trt_calib_mode; develop's test_det.py reads "
            "true/false words properly."),
        example=("qatfix python deploy/auto_compression/paddle_inference_eval.py --model_path "
                 "deploy/auto_compression/models/picodet_s --reader_config "
                 "deploy/auto_compression/configs/picodet_reader.yml --include_nms=False"),
        instead="--include_nms=  (empty: the only text bool() reads as False)",
        fix_safety=("the corrected command, editing no file (--apply prints it): safe, the flag given "
                    "empty is the one text bool() reads as False."),
        evidence=("release-2.6 deploy/auto_compression/paddle_inference_eval.py argsparser "
                  "(type=bool); Python's bool(str)"),
        check=check_bool_flags),
    Rule(
        code="QF982", name="fake-quant-to-onnx", severity="error",
        applies_to=DEPLOY_STEPS,
        summary="A fake-quant (onnx_format false) program sent to Paddle2ONNX.",
        explanation=(
            "A model quantized with onnx_format false keeps fake_quantize_dequantize_* / "
            "fake_channel_wise_* operations. Paddle2ONNX converts only quantize_linear / "
            "dequantize_linear (onnx_format true) and stops on the others, so ONNX Runtime, "
            "FastDeploy's ORT backend and TensorRT through ONNX cannot run the model. The "
            "operations are read from model.json."),
        example=_example("qatfix paddle2onnx --model_dir deploy/auto_compression/qat_fake "
                         "--model_filename model.json --params_filename model.pdiparams "
                         "--save_file model.onnx", "qat_fake", _FAKE_OP),
        instead="export with QAT.quant_config.onnx_format: true, then convert",
        fix_safety="no automatic fix: the model has to be quantized and exported again.",
        evidence=("Paddle2ONNX issues #1084, #875, #1617, #540, #712 (\"not supported\"); "
                  "PaddleSlim #1766; paddleslim/dygraph/quant/qat.py onnx_format; measured: "
                  "develop's ppdet export of a paddle.quantization QAT model holds "
                  "fake_quantize_dequantize_moving_average_abs_max"),
        check=check_fake_quant_onnx),
    Rule(
        code="QF983", name="int8-without-scales", severity="error",
        applies_to=DEPLOY_STEPS,
        summary="int8 TensorRT on a float program without calibration.",
        explanation=(
            "deploy/python/infer.py --run_mode trt_int8 builds TensorRT with "
            "use_calib_mode=--trt_calib_mode; on a program without quantization operations "
            "TensorRT has no scales (\"no scaling factors detected\"). The eval scripts of "
            "auto_compression never calibrate (use_calib_mode=False)."),
        example=_example("qatfix python deploy/python/infer.py --model_dir "
                         "deploy/auto_compression/float_model --image_file demo.jpg "
                         "--device GPU --run_mode trt_int8", "float_model"),
        instead="--run_mode trt_int8 --trt_calib_mode=True, or a quantized model",
        fix_safety=("the corrected command, editing no file (--apply prints it): unsafe, TensorRT "
                    "calibrates on the first run's images, or fp16 is another measurement."),
        evidence=("deploy/python/infer.py load_predictor (enable_tensorrt_engine "
                  "use_calib_mode=trt_calib_mode); PaddleDetection #5719, #5729"),
        check=check_int8_without_scales),
    Rule(
        code="QF984", name="int8-without-trt", severity="warning",
        applies_to=DEPLOY_STEPS,
        summary="--precision int8 without --use_trt evaluates in fp32.",
        explanation=(
            "paddle_inference_eval.py (release-2.6, line 260) and test_det.py (develop, line "
            "320) set the precision only when building a TensorRT engine; without --use_trt "
            "(and without --use_mkldnn on CPU) the model runs on Paddle Inference in fp32."),
        example=("qatfix python deploy/auto_compression/test_det.py --model_path "
                 "deploy/auto_compression/models/picodet_s --reader_config "
                 "deploy/auto_compression/configs/picodet_reader.yml --precision int8"),
        instead="--precision int8 --use_trt True",
        fix_safety=("the corrected command, editing no file (--apply prints it): unsafe, it needs a "
                    "GPU and a paddle built with TensorRT."),
        evidence=("develop deploy/auto_compression/test_det.py load_predictor; release-2.6 "
                  "paddle_inference_eval.py load_predictor; PaddleSlim #1862"),
        check=check_int8_without_trt),
    Rule(
        code="QF985", name="quant-without-int8-mode", severity="warning",
        applies_to=DEPLOY_STEPS,
        summary="A quantized program benchmarked without an int8 run mode.",
        explanation=(
            "Only TensorRT int8 (infer.py --run_mode trt_int8, the eval scripts' --precision "
            "int8 with --use_trt) runs the quantized operations in int8; otherwise they run in "
            "float and the benchmark shows no speed-up."),
        example=_example("qatfix python deploy/python/infer.py --model_dir "
                         "deploy/auto_compression/qat_model --image_file demo.jpg --device GPU "
                         "--run_mode trt_fp16 --run_benchmark True", "qat_model", _LINEAR_OPS),
        instead="--run_mode trt_int8",
        fix_safety=("the corrected command, editing no file (--apply prints it): safe for --precision "
                    "int8 on a quantize_linear program, unsafe otherwise (a fake-quant program, or "
                    "a run mode that needs TensorRT)."),
        evidence="deploy/python/infer.py load_predictor precision_map; PaddleDetection #6026",
        check=check_quant_without_int8),
    Rule(
        code="QF986", name="eval-include-nms", severity="error",
        applies_to=DEPLOY_STEPS,
        summary="The eval script's --include_nms does not match what the program fetches.",
        explanation=(
            "With include_nms the eval scripts read the program's first output as boxes and "
            "the second as the box count; without it, they run PPYOLOEPostProcess on the "
            "first output as raw predictions. The outputs are read from model.json's fetch "
            "operations; release-2.6's --include_nms is type=bool (--include_nms=False is "
            "True)."),
        example=_example("qatfix python deploy/auto_compression/test_det.py --model_path "
                         "deploy/auto_compression/raw_model --reader_config "
                         "deploy/auto_compression/configs/picodet_reader.yml", "raw_model",
                         fetches=(
                             '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_i32", "D": 0}, "N": '
                             '"col"}], "O": [{"TT": {"#": "0.t_dtensor", "D": [{"#": '
                             '"0.t_f32"}, [1, 2100, 84], "NCHW", [], 0]}}]}')),
        instead="--include_nms False for an export with exclude_post_process",
        fix_safety=("the corrected command, editing no file (--apply prints it): safe when it leaves "
                    "--include_nms at its default for a program that fetches boxes and a count, "
                    "unsafe when it evaluates raw outputs."),
        evidence=("deploy/auto_compression/test_det.py eval (develop), "
                  "paddle_inference_eval.py eval (release-2.6); PaddleSlim #1627"),
        check=check_include_nms),
    Rule(
        code="QF987", name="infer-raw-outputs", severity="error",
        applies_to=DEPLOY_STEPS,
        summary="deploy/python/infer.py on an export without post-processing.",
        explanation=(
            "infer.py's Detector reads the first output as boxes [N, 6] and the second as "
            "their count; an export with exclude_post_process=True or export.benchmark fetches "
            "raw predictions (PicoDet, SOLOv2 and CLRNet exports are post-processed by their "
            "own detectors)."),
        example=_example("qatfix python deploy/python/infer.py --model_dir "
                         "deploy/auto_compression/raw_yoloe --image_file demo.jpg", "raw_yoloe",
                         fetches=(
                             '{"#": "1.fetch", "A": [{"AT": {"#": "0.a_i32", "D": 0}, "N": '
                             '"col"}], "O": [{"TT": {"#": "0.t_dtensor", "D": [{"#": '
                             '"0.t_f32"}, [1, 2100, 84], "NCHW", [], 0]}}]}')),
        instead="export without exclude_post_process / export.benchmark for infer.py",
        fix_safety="no automatic fix: the model has to be exported again.",
        evidence="deploy/python/infer.py Detector.predict / postprocess; PaddleDetection #5818",
        check=check_infer_raw_outputs),
    Rule(
        code="QF988", name="script-program-file", severity="error",
        applies_to=DEPLOY_STEPS,
        summary="A script that opens model.pdmodel where paddle 3 wrote model.json.",
        explanation=(
            "release-2.6's deploy/python/infer.py and both auto_compression eval scripts pass "
            "os.path.join(model_dir, 'model.pdmodel') to paddle.inference.Config; paddle 3 "
            "exports the program as model.json. develop's infer.py opens the folder with the "
            "prefix 'model', which finds either. Read from the script's Config(...) calls."),
        example=_example("qatfix python deploy/auto_compression/test_det.py --model_path "
                         "deploy/auto_compression/pir_model --reader_config "
                         "deploy/auto_compression/configs/picodet_reader.yml", "pir_model"),
        instead="a script that loads model.json (develop's deploy/python/infer.py)",
        fix_safety="no automatic fix.",
        evidence=("release-2.6 deploy/python/infer.py load_predictor (line 850); "
                  "deploy/auto_compression/test_det.py and paddle_inference_eval.py "
                  "load_predictor; paddle.jit.save on paddle 3 (PIR)"),
        check=check_program_file),
    Rule(
        code="QF989", name="deploy-not-checked", severity="info",
        applies_to=DEPLOY_STEPS,
        summary="What of a pasted inference or conversion command was not checked.",
        explanation=(
            "The script's flags are read from its source where it is (the path the command "
            "names; Paddle2ONNX's from the installed package) and the model from its folder "
            "(model.json without paddle). Whatever is missing is named here rather than "
            "passed as all clear."),
        example=("qatfix paddle2onnx --model_dir deploy/auto_compression/missing_model "
                 "--model_filename model.json --save_file model.onnx"),
        instead="run qatfix where the command runs, after the export",
        fix_safety="no fix.",
        evidence=("the parsers of deploy/python/utils.py argsparser, "
                  "deploy/auto_compression/test_det.py and paddle_inference_eval.py, "
                  "paddle2onnx/command.py arg_parser; qatfix.model.deployment"),
        check=check_not_checked),
)
