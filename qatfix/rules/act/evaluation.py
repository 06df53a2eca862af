"""QF965: a full-quant model evaluated with the simulated-quantization `eval.py`.

The `eval.py` of the ACT and PTQ examples (PaddleSlim's example/auto_compression/detection and
example/post_training_quantization/detection, PaddleDetection's deploy/auto_compression) loads
`Global.model_dir` (or a flat PTQ config's `model_dir`) with `paddle.static.load_inference_model`
and runs it with the static `Executor`. A model quantized with `onnx_format: true` (ACT's
QuantAware/QuantPost, PaddleSlim's FullQuantization demos) holds `quantize_linear` /
`dequantize_linear` operations, which only Paddle Inference (TensorRT, MKLDNN) runs as the
deployed int8 model; PaddleSlim's maintainers: "with onnx_format=True the exported model is
fully quantized; the accuracy the fake test script eval.py measures is not accurate: test it
with Paddle Inference or TensorRT". The evaluation scripts that do are the folder's
`test_det.py` (develop) or `paddle_inference_eval.py` (release-2.6 and PaddleSlim).
"""
from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from typing import TYPE_CHECKING, Optional

from qatfix.config.act_keys import PTQ_EVAL_SCRIPT
from qatfix.config.kind import ACT_STEPS
from qatfix.rules.base import Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.facts import Facts

if TYPE_CHECKING:
    from qatfix.rules.act_run import ActRun

#: the Paddle Inference evaluation scripts beside eval.py, and the flag each takes the reader as
INFERENCE_EVAL_SCRIPTS = (("test_det.py", "--config"),
                          ("paddle_inference_eval.py", "--reader_config"))


def inference_eval_command(run: "ActRun", facts: Facts) -> tuple[str, bool]:
    """The Paddle Inference evaluation of the run's model at int8 with TensorRT, as the folder's
    own script takes it, and whether that script is in the folder (else PaddleSlim's
    paddle_inference_eval.py, which the user has to fetch)."""
    folder = os.path.dirname(run.command_script)  # beside the eval.py the command runs
    for name, flag in INFERENCE_EVAL_SCRIPTS:
        if facts.is_file(os.path.join(run.run_dir, folder, name)):
            break
    else:
        name, flag = INFERENCE_EVAL_SCRIPTS[1]
    script = os.path.join(folder, name)
    words = ["python", script, "--model_path", str(run.global_config.get("model_dir")).strip()]
    if run.reader_shown:
        words += [flag, run.reader_shown]
    words += ["--use_trt", "True", "--precision", "int8"]
    return shlex.join(words), facts.is_file(os.path.join(run.run_dir, script))


def check_full_quant_eval(ctx: CheckContext) -> Iterator[Issue]:
    import qatfix.rules.act_run as act_facts  # ACT runs only
    run: Optional["ActRun"] = ctx.act
    if run is None or run.script_name != PTQ_EVAL_SCRIPT or not run.command_script \
            or not act_facts.is_detection(run, ctx.facts):
        return
    program = act_facts.program(run, ctx.facts)
    if program is None or program.quantization not in ("linear", "both"):
        return
    command, beside = inference_eval_command(run, ctx.facts)
    where = "" if beside else " (PaddleSlim's example/auto_compression/detection script)"
    shown = str(run.global_config.get("model_dir")).strip()
    source = os.path.join(shown, os.path.basename(program.source))
    yield Issue(
        message=(f"{shown} is a full-quant model ({source} holds quantize_linear / "
                 "dequantize_linear: onnx_format true), and eval.py runs it in paddle.static's "
                 "Executor (load_inference_model, exe.run), which is not how the int8 model "
                 "runs deployed: the accuracy it prints is not the model's (PaddleSlim's "
                 "maintainers: evaluate it with Paddle Inference or TensorRT); run instead: "
                 f"{command}{where}"),
        headline=(f"{shown} is a full-quant model (quantize_linear): eval.py's accuracy is not "
                  "the deployed model's; evaluate it with Paddle Inference"),
        location=ctx.location(run.key("model_dir")),
        fixes=(PlannedFix("Evaluate with Paddle Inference at int8", "unsafe", (),
                          value=command, command=command,
                          reason=("int8 with TensorRT needs a GPU and a paddle built with "
                                  "TensorRT; on a CPU use --device CPU --use_mkldnn True "
                                  "instead of --use_trt True")),),
        data=(("quantization", program.quantization), ("command", command)))


RULES = (
    Rule(
        code="QF965", name="act-eval-full-quant", severity="warning",
        applies_to=ACT_STEPS,
        summary="A full-quant (quantize_linear) model evaluated with the fake-quant eval.py.",
        explanation=(
            "The eval.py of the ACT and PTQ examples runs the model in paddle.static's "
            "Executor. A model quantized with onnx_format true holds quantize_linear / "
            "dequantize_linear operations that only Paddle Inference runs as the deployed int8 "
            "model: the accuracy eval.py prints for it is not the model's. The scripts that "
            "evaluate it as deployed are test_det.py (develop's deploy/auto_compression) and "
            "paddle_inference_eval.py (release-2.6, PaddleSlim). The program's operations are "
            "read from model.json (or a paddle 2 model.pdmodel) in model_dir."),
        example=("qatfix python deploy/auto_compression/eval.py --config_path "
                 "deploy/auto_compression/configs/picodet_quant_eval.yml\n"
                 "# deploy/auto_compression/configs/picodet_quant_eval.yml\n"
                 "Global:\n"
                 "  reader_config: deploy/auto_compression/configs/picodet_320_reader.yml\n"
                 "  model_dir: deploy/auto_compression/output/\n"
                 "  model_filename: model.json\n"
                 "  params_filename: model.pdiparams\n"
                 "QuantAware: {onnx_format: true, use_pact: true, "
                 "activation_quantize_type: 'moving_average_abs_max', "
                 "quantize_op_types: [conv2d, depthwise_conv2d]}\n"
                 "# deploy/auto_compression/output/model.json\n"
                 '{"base_code": {"magic": "pir", "trainable": true, "version": 1}, "program": '
                 '{"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": '
                 '[{"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": "image"}, "N": "name"}, '
                 '{"AT": {"#": "1.a_intarray", "D": [-1, 3, 320, 320]}, "N": "shape"}]}, '
                 '{"#": "1.quantize_linear", "A": []}, {"#": "1.dequantize_linear", "A": []}'
                 ']}]}]}}\n'),
        instead=("python deploy/auto_compression/test_det.py --model_path "
                 "deploy/auto_compression/output/ --config "
                 "deploy/auto_compression/configs/picodet_320_reader.yml --use_trt True "
                 "--precision int8"),
        fix_safety=("no file changes; the command is given (unsafe: it needs a GPU and a paddle "
                    "built with TensorRT)."),
        evidence=("PaddleSlim issue #1541 (maintainers: with onnx_format=True the model is fully "
                  "quantized and eval.py's accuracy is not accurate; use paddle_inference_eval.py); "
                  "deploy/auto_compression/eval.py (load_inference_model, exe.run) and "
                  "test_det.py / paddle_inference_eval.py (Paddle Inference predictor) in both "
                  "PaddleDetection trees"),
        check=check_full_quant_eval),
)
