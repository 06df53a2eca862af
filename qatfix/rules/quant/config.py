"""QF301: `QAT.quant_config` that PaddleSlim rejects, or silently ignores in part."""
from __future__ import annotations

from typing import Any, Iterator

from qatfix.config.nodes import Tagged
from qatfix.rules.base import Change, Issue, PlannedFix, Rule
from qatfix.rules.context import CheckContext

#: PaddleSlim's dygraph QAT `_quant_config_default` keys and the values `_parse_configs` accepts
PREPROCESS_TYPES = (None, "PACT")
WEIGHT_TYPES = ("abs_max", "channel_wise_abs_max", "range_abs_max", "moving_average_abs_max")
ACTIVATION_TYPES = ("abs_max", "range_abs_max", "moving_average_abs_max")
LAYER_TYPES = ("Conv2D", "Linear", "Conv2DTranspose", "ColumnParallelLinear", "RowParallelLinear")
KNOWN_KEYS = (
    "weight_preprocess_type", "activation_preprocess_type", "weight_quantize_type",
    "activation_quantize_type", "weight_bits", "activation_bits", "dtype", "window_size",
    "moving_rate", "quantizable_layer_type", "onnx_format", "fuse_conv_bn",
)
QAT_ARGUMENTS = ("quant_config", "print_model")


def _choices(key: str) -> tuple[Any, ...]:
    return {
        "weight_preprocess_type": PREPROCESS_TYPES,
        "activation_preprocess_type": PREPROCESS_TYPES,
        "weight_quantize_type": WEIGHT_TYPES,
        "activation_quantize_type": ACTIVATION_TYPES,
        "dtype": ("int8",),
    }.get(key, ())


def _closest(word: str, options: tuple[Any, ...]) -> str | None:
    texts = [o for o in options if isinstance(o, str)]
    import difflib  # only a misspelt name needs it

    found = difflib.get_close_matches(word, texts, n=1, cutoff=0.6)
    return found[0] if found else None


def _value_problem(key: str, value: Any) -> tuple[str, Any] | None:
    """(what is wrong, suggested value or None) for one known key."""
    choices = _choices(key)
    if choices:
        if value in choices:
            return None
        shown = ", ".join(repr(c) if c is not None else "null" for c in choices)
        guess = _closest(value, choices) if isinstance(value, str) else None
        extra = " (channel_wise_abs_max is for weights only)" \
            if key == "activation_quantize_type" and value == "channel_wise_abs_max" else ""
        return f"{key} {value!r} is not one of {shown}{extra}", guess
    if key in ("weight_bits", "activation_bits"):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"{key} must be an integer, not {value!r}", None
        if not 1 <= value <= 16:
            return f"{key} {value} is out of range (1 to 16 bits)", 8
        return None
    if key == "window_size" and (not isinstance(value, int) or isinstance(value, bool)):
        return f"window_size must be an integer, not {value!r}", None
    if key == "moving_rate" and not isinstance(value, float):
        return f"moving_rate must be a float such as 0.9, not {value!r}", None
    if key == "quantizable_layer_type":
        if not isinstance(value, list):
            return f"quantizable_layer_type must be a list, not {value!r}", None
        unknown = [v for v in value if v not in LAYER_TYPES]
        if unknown:
            return f"quantizable_layer_type has unknown layer types {unknown}", None
    return None


def check(ctx: CheckContext) -> Iterator[Issue]:
    qat = ctx.get("QAT")
    if ctx.mode not in ("QAT", "PrunerQAT") or not isinstance(qat, dict):
        return
    for key in qat:
        if key not in QAT_ARGUMENTS:
            yield Issue(message=f"QAT has no argument {key!r}; ppdet's create() fails on it "
                                f"(QAT takes {', '.join(QAT_ARGUMENTS)})",
                        location=ctx.location(("QAT", key)))
    config = qat.get("quant_config")
    if isinstance(config, Tagged) or not isinstance(config, dict):
        if "quant_config" in qat:
            yield Issue(message="QAT.quant_config must be a mapping",
                        location=ctx.location(("QAT", "quant_config")))
        return
    for key, value in config.items():
        where = ("QAT", "quant_config", key)
        if key not in KNOWN_KEYS:
            guess = _closest(str(key), KNOWN_KEYS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            fixes = (PlannedFix(f"Rename {key!r} to {guess!r}", "unsafe",
                                (Change.rename(where, guess),)),) if guess else ()
            yield Issue(message=(f"quant_config key {key!r} is unknown to PaddleSlim and silently "
                                 f"ignored{hint}"), location=ctx.location(where), fixes=fixes,
                        severity="warning")
            continue
        problem = _value_problem(str(key), value)
        if problem:
            message, suggestion = problem
            fixes = (PlannedFix(f"Set {key} to {suggestion!r}", "unsafe",
                                (Change.set(where, suggestion),)),) \
                if suggestion is not None else ()
            yield Issue(message=f"{message}; PaddleSlim refuses this quant_config",
                        location=ctx.location(where), fixes=fixes)


RULES = (Rule(
    code="QF301", name="invalid-quant-config", severity="error",
    situations=(("warning",
                "for a key PaddleSlim does not know, which it ignores"),),
    summary="QAT.quant_config has unknown keys, unknown quantize types or bits out of range.",
    explanation=(
        "ppdet hands `QAT.quant_config` to PaddleSlim's dygraph QAT. PaddleSlim asserts on unknown "
        "quantize types, bit widths outside 1-16, a dtype other than int8 and values of the wrong "
        "type - but only once the model is built and the weights loaded - and it silently ignores "
        "keys it does not know, so a typo such as `weight_quantize_typ` quantizes with the default. "
        "Example: `activation_quantize_type: channel_wise_abs_max` (weights only) is refused."),
    fix_safety="unsafe: a suggested spelling or value is a guess; review it.",
    example=(
        'qatfix -c configs/picodet/picodet_s_320_coco_lcnet.yml --slim_config '
        'configs/example/quant.yml\n'
        '# configs/example/quant.yml\n'
        'pretrain_weights: https://paddledet.bj.bcebos.com/models/picodet_s_320_'
        'coco_lcnet.pdparams\n'
        'slim: QAT\n'
        'QAT:\n'
        '  quant_config: {weight_quantize_type: channel_wise_abs_max, '
        'activation_quantize_type: channel_wise_abs_max, weight_bits: 8, '
        'activation_bits: 8}\n'
    ),
    instead=(
        'activation_quantize_type: moving_average_abs_max'
    ),
    evidence=(
        'paddleslim/dygraph/quant/qat.py `_parse_configs` asserts the quantize '
        'types against WEIGHT_QUANTIZATION_TYPES / '
        'ACTIVATION_QUANTIZATION_TYPES and the bit widths, and merges unknown '
        'keys without a word; ppdet/slim/quant.py `QAT` passes `quant_config` '
        'to it.'
    ),
    check=check),)
