"""QF307, QF906, QF973: `onnx_format`, whose default flipped between PaddleSlim releases.

QF307 QAT training whose quant_config leaves onnx_format to a PaddleSlim that defaults it to
false, QF906 a QAT checkpoint exported or evaluated with the other onnx_format than it was
trained with (its BatchNorm tensors do not load), QF973 an ACT quantization section that leaves
it to such a PaddleSlim. The facts are in `qatfix.model.quant_format`.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext
from qatfix.rules.example_text import ACT_TRAIN_CONFIG, act_global
from qatfix.config.kind import QAT_MODES
from qatfix.model.quant_format import effective
from qatfix.rules.deploy.step_weights import LOADING_STEPS, checkpoint_of
from qatfix.rules.quant.dead_keys import ignored_keys
from qatfix.config.kind import ACT_STEPS

#: ACT sections that quantize and take onnx_format
ACT_QUANT_SECTIONS = ("QuantAware", "QuantPost")
CONVERTERS = ("its export keeps fake_quantize_dequantize operations, which Paddle2ONNX cannot "
              "convert (so neither ONNX Runtime nor TensorRT through ONNX can run it)")


def _quant_config(ctx: CheckContext) -> dict[str, Any] | None:
    qat = ctx.get("QAT")
    config = qat.get("quant_config") if isinstance(qat, dict) else None
    return config if isinstance(config, dict) else None


def _pin(ctx: CheckContext, value: bool, reason: str) -> PlannedFix:
    path = ctx.slim_own.config_path if ctx.slim_own is not None else ""
    return PlannedFix(f"Set QAT.quant_config.onnx_format to {str(value).lower()}", "safe",
                      (Change.set(("QAT", "quant_config", "onnx_format"), value, path=path),),
                      value=str(value).lower(), reason=reason)


def check_training_default(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step != "train" or ctx.mode not in QAT_MODES or ctx.role != "model":
        return
    config = _quant_config(ctx)
    if config is None or "onnx_format" in config:
        return

    found = ctx.facts.onnx_format_default("dygraph")
    if found is None or found.value:
        return

    known = not ignored_keys(("onnx_format",), ctx.facts.paddleslim_version() or "0")
    todo = ("set onnx_format: true before training" if known else
            "this PaddleSlim has no onnx_format key yet (it came in 2.4.0): install "
            "PaddleSlim 2.4 or later and set onnx_format: true before training")
    yield Issue(
        message=(f"QAT.quant_config sets no onnx_format, and {found.source} defaults it to "
                 f"false: {CONVERTERS}; and the checkpoint is laid out for onnx_format false "
                 "(BatchNorm and other unquantized layers wrapped), so it exports or evaluates "
                 f"only with onnx_format false, not under PaddleSlim 2.6's default; {todo}"),
        location=ctx.location(("QAT", "quant_config")), severity="warning",
        fixes=(_pin(ctx, True, "set before training, the checkpoint and its export both use "
                               "the format Paddle2ONNX and TensorRT read"),) if known else ())


def check_checkpoint_layout(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.step not in LOADING_STEPS or ctx.mode not in QAT_MODES or ctx.role != "model":
        return
    config = _quant_config(ctx)
    found = checkpoint_of(ctx) if config is not None else None
    layout = found.layout if found is not None else None
    if config is None or found is None or layout is None or not layout.unquantized:
        return

    value, origin = effective(config, ctx.facts.onnx_format_default("dygraph"))
    trained = str(layout.onnx_format).lower()
    if value == layout.onnx_format:
        return
    after = "" if layout.onnx_format else (
        "; with onnx_format false the export keeps fake_quantize_dequantize operations "
        "(Paddle2ONNX cannot convert them): for an ONNX-ready model, train again with "
        "onnx_format: true")
    fix = _pin(ctx, layout.onnx_format,
               "the format the checkpoint was trained with: every tensor of it loads")
    if value is None:
        yield Issue(
            message=(f"{found.source} was trained with onnx_format {trained} ({layout.example}) "
                     "and QAT.quant_config does not set it; PaddleSlim is not installed here, so "
                     "which format the run builds was not checked: PaddleSlim up to 2.4.1 "
                     "builds false, 2.6.0 true, and with the other one "
                     f"{layout.unquantized} of its {layout.total} tensors do not load; set "
                     f"onnx_format: {trained}"),
            location=ctx.location(("QAT", "quant_config")), severity="info", fixes=(fix,))
        return
    if layout.true_model is not None:
        lost = (f"{layout.unquantized} of the model's {layout.true_model} tensors, every "
                "BatchNorm and unquantized layer, find no tensor of that name in it")
    else:
        lost = (f"the model wraps every BatchNorm and unquantized layer, and their "
                f"{layout.unquantized} tensors of the checkpoint's {layout.total} match nothing")
    yield Issue(
        message=(f"{found.source} was trained with onnx_format {trained} ({layout.example}), "
                 f"but the model is quantized with onnx_format {str(value).lower()} ({origin}): "
                 f"{lost} and keep their initial values (loading logs INFO only); set "
                 f"onnx_format: {trained}{after}"),
        location=ctx.location(("QAT", "quant_config", "onnx_format") if "onnx_format" in config
                              else ("QAT", "quant_config")),
        fixes=(fix,), data=(("trained_onnx_format", trained),))


def check_act_default(ctx: CheckContext) -> Iterator[Issue]:
    if ctx.act is None:
        return
    sections = [name for name in ACT_QUANT_SECTIONS
                if isinstance(ctx.resolved.get(name), dict)
                and "onnx_format" not in ctx.resolved.get(name)]
    if not sections:
        return

    found = ctx.facts.onnx_format_default("act")
    if found is None or found.value:
        return
    for name in sections:
        yield Issue(
            message=(f"{name} sets no onnx_format, and {found.source} defaults it to false: the "
                     f"compressed model {CONVERTERS.split(' ', 2)[2]}; PaddleSlim 2.6.0 "
                     "defaults it to true, as the shipped configs set it"),
            location=ctx.location((name,)), severity="warning",
            fixes=(PlannedFix(f"Set {name}.onnx_format to true", "safe",
                              (Change.set((name, "onnx_format"), True,
                                          path=ctx.config_path),), value="true",
                              reason="ACT quantizes and saves in the same run, so the whole "
                                     "model is in the format Paddle2ONNX and TensorRT read"),))


_EVIDENCE = ("paddleslim/dygraph/quant/qat.py _quant_config_default and "
             "auto_compression/strategy_config.py QuantAware/QuantPost (onnx_format false in "
             "the 2.3.4, 2.4.0 and 2.4.1 wheels, true in 2.6.0); paddle/quantization/imperative/"
             "qat.py ImperativeQuantizeOutputs._is_target_layer and save_quantized_model; "
             "measured with ppdet and PaddleSlim 2.6.0 (picodet_s_320_coco_lcnet with "
             "configs/slim/quant/picodet_s_416_lcnet_quant.yml): 1,247 tensors with onnx_format "
             "true, 1,694 with false, 898 load across, every BatchNorm lost; "
             "Paddle2ONNX#875, #1084 (fake_quantize_dequantize_* not supported)")

RULES = (
    Rule(
        code="QF307", name="qat-onnx-format-default", severity="warning",
        summary="QAT training leaves onnx_format to a PaddleSlim that defaults it to false.",
        explanation=(
            "ppdet passes `QAT.quant_config` to PaddleSlim, and no official slim config sets "
            "`onnx_format`. PaddleSlim up to 2.4.1 defaults it to false, 2.6.0 to true. With "
            "false the exported model holds fake_quantize_dequantize operations that "
            "Paddle2ONNX cannot convert, and the checkpoint wraps every BatchNorm and "
            "unquantized layer (`bn._layer._mean`), so it only loads into a model quantized "
            "with false. Reported only when the installed PaddleSlim defaults to false."),
        example=("qatfix configs/picodet/picodet_s_416_coco_lcnet.yml "
                 "configs/slim/quant/picodet_s_416_lcnet_quant.yml\n"
                 "# with PaddleSlim 2.4.1 installed"),
        instead="QAT: {quant_config: {..., onnx_format: true}}",
        fix_safety="safe: set before training, checkpoint and export share one format.",
        evidence=_EVIDENCE, check=check_training_default),
    Rule(
        code="QF906", name="qat-checkpoint-onnx-format", severity="error",
        situations=(("info",
                    "when PaddleSlim is not installed: which format the run builds was not checked"),),
        summary="A QAT checkpoint evaluated or exported with the other onnx_format.",
        explanation=(
            "`onnx_format` decides at quantize() which layers paddle wraps: with false every "
            "BatchNorm and unquantized layer too (`bn._layer._mean`, `bn._ma_output_scale`), "
            "with true only the quantized ones (`bn._mean`). A checkpoint trained one way "
            "loads into a model quantized the other way without its BatchNorms: "
            "match_state_dict finds no names for them and logs INFO only. The format the run "
            "builds is quant_config's onnx_format, else the installed PaddleSlim's default "
            "(false up to 2.4.1, true in 2.6.0); a local checkpoint's layout is read from its "
            "tensor names without paddle."),
        example=("qatfix python tools/export_model.py -c configs/picodet/"
                 "picodet_s_320_coco_lcnet.yml --slim_config configs/slim/quant/"
                 "picodet_s_416_lcnet_quant.yml -o weights=output/qat_onnx_false/model_final\n"
                 "# output/qat_onnx_false/model_final.pdparams: trained with PaddleSlim 2.4.1"),
        instead="QAT: {quant_config: {..., onnx_format: false}}  # the checkpoint's own format",
        fix_safety=("safe: the onnx_format the checkpoint's names show, so every tensor loads; "
                    "a false one still exports the format Paddle2ONNX cannot read."),
        evidence=_EVIDENCE, check=check_checkpoint_layout),
    Rule(
        code="QF973", name="act-onnx-format-default", severity="warning",
        applies_to=ACT_STEPS,
        summary="An ACT QuantAware/QuantPost leaves onnx_format to a PaddleSlim defaulting to false.",
        explanation=(
            "PaddleSlim's QuantAware and QuantPost take `onnx_format`; up to 2.4.1 it defaults "
            "to false, in 2.6.0 to true. With false the compressed model holds "
            "fake_quantize_dequantize operations that Paddle2ONNX cannot convert. Reported "
            "only when the installed PaddleSlim defaults to false."),
        example=("qatfix deploy/auto_compression/configs/ppyoloe_plus_s_qat_dis.yaml\n"
                 "# with PaddleSlim 2.4.1 installed\n"
                 "# deploy/auto_compression/configs/ppyoloe_plus_s_qat_dis.yaml\n"
                 + act_global("./ppyoloe_plus_crn_s_80e_coco", "model.pdmodel") +
                 "Distillation: {alpha: 1.0, loss: soft_label}\n"
                 "QuantAware: {use_pact: true, activation_quantize_type: moving_average_abs_max, "
                 "quantize_op_types: [conv2d, depthwise_conv2d]}\n" + ACT_TRAIN_CONFIG),
        instead="QuantAware: {onnx_format: true, ...}",
        fix_safety="safe: ACT quantizes and saves in one run, in one format.",
        evidence=_EVIDENCE, check=check_act_default),
)
