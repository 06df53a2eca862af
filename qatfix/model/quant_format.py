"""`onnx_format`: the format of a quantized model, and the layout of a QAT checkpoint it implies.

PaddleSlim's `onnx_format` decides two things. At export, whether the quantized program holds
`quantize_linear`/`dequantize_linear` (true: what Paddle2ONNX and TensorRT read) or the older
`fake_quantize_dequantize_*` operations (false: Paddle2ONNX stops on them). And already at
`quantize()`, which layers paddle's ImperativeQuantAware wraps (`_is_target_layer`): with
false, every layer that is not quantized (BatchNorm, activations, unquantized convolutions) is
wrapped too, its tensors stored as `bn._layer._mean` beside a `bn._ma_output_scale`; with true
they keep their own names (`bn._mean`). A QAT checkpoint therefore loads only into a model
quantized with the `onnx_format` it was trained with: measured with ppdet and PaddleSlim 2.6.0
on PicoDet-S-320 LCNet, 349 of 1,247 tensors (every BatchNorm) do not load the other way round.

The default flipped between releases: false up to PaddleSlim 2.4.1, true in 2.6.0 (their
wheels on PyPI: dygraph `_quant_config_default` and the ACT `QuantAware`/`QuantPost`
constructors). It is read from the installed PaddleSlim's source, which is the release that
will run the job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import functools
from collections.abc import Mapping
from typing import Any, Callable, NamedTuple, Optional

from qatfix.model import installed_paddleslim

#: the files that hold the default for ppdet's dygraph QAT and for ACT
DEFAULT_FILES = {"dygraph": "dygraph/quant/qat.py",
                 "act": "auto_compression/strategy_config.py"}
#: how each file spells the default: a dict entry (`'onnx_format': True`) or a keyword
#: default (`onnx_format=False`); a value that is not a literal (`self.config[...]`) is skipped
_SEPARATORS = {"dygraph": ":=", "act": "="}

OUTPUT_SCALE = "._ma_output_scale."
WRAPPED = "._layer."
FAKE_QUANT = "._layer._fake_quant_"


@dataclass(frozen=True)
class InstalledDefault:
    """The `onnx_format` a config that does not set it gets, from the installed PaddleSlim."""

    value: bool
    #: names what holds the default ("PaddleSlim 2.6.0"), asked only when a message says it
    shown: Callable[[], str] = field(compare=False)

    @property
    def source(self) -> str:
        """"PaddleSlim 2.6.0" (the installed release is looked up only for a message)."""
        return self.shown()


def _literal_defaults(text: str, separators: str) -> list[bool]:
    """Each `onnx_format` of `text` followed by a separator and True or False (str.find, not a
    regular expression: this runs in every QAT check)."""
    found, at = [], text.find("onnx_format")
    while at >= 0:
        rest = text[at + 11:at + 24].lstrip("'\"").lstrip()
        if rest[:1] and rest[0] in separators:
            value = rest[1:].lstrip()
            if value.startswith(("True", "False")):
                found.append(value.startswith("True"))
        at = text.find("onnx_format", at + 11)
    return found


@functools.lru_cache(maxsize=2)
def installed_default(kind: str) -> Optional[InstalledDefault]:
    """The installed PaddleSlim's default for ppdet's QAT ("dygraph") or ACT ("act"); None
    when PaddleSlim is not installed or its source does not say."""
    text = installed_paddleslim.source(DEFAULT_FILES[kind])
    if text is None:
        return None
    values = set(_literal_defaults(text, _SEPARATORS[kind]))
    if len(values) != 1:
        return None
    return InstalledDefault(values.pop(), installed_paddleslim.shown)


def effective(config: Mapping[str, Any], found: Optional[InstalledDefault]
              ) -> tuple[Optional[bool], str]:
    """(onnx_format, where it comes from) for a quant config mapping: its own key, else the
    installed default `found` (`installed_default`); (None, "") when neither is known."""
    value = config.get("onnx_format")
    if isinstance(value, bool):
        return value, "set in the config"
    if found is None:
        return None, ""
    return found.value, f"the default of {found.source}"


class QatLayout(NamedTuple):
    """What the tensor names of a QAT checkpoint say about the model it was saved from."""

    #: the onnx_format the checkpoint was trained with
    onnx_format: bool
    #: tensors of layers that are not quantized: named differently under the other format
    unquantized: int
    #: one of them, for messages
    example: str
    total: int
    #: tensors of the model quantized with onnx_format true, for a checkpoint laid out for
    #: false (its own minus the output scales of unquantized layers); None for a true one
    true_model: Optional[int] = None


def _quantized_layers(keys: list[str]) -> set[str]:
    return {key.split(FAKE_QUANT, 1)[0] for key in keys if FAKE_QUANT in key}


def _inside(key: str, layers: set[str]) -> bool:
    parts = key.split(".")
    return any(".".join(parts[:i]) in layers for i in range(1, len(parts)))


def qat_layout(shapes: Mapping[str, Any]) -> Optional[QatLayout]:
    """The layout of a QAT checkpoint; None when it has no quantized layer."""
    keys = list(shapes)
    quantized = _quantized_layers(keys)
    if not quantized:
        return None
    outside = [k for k in keys if not _inside(k, quantized)]
    wrapped = [k for k in outside if WRAPPED in k]
    scaled = {k.split(OUTPUT_SCALE, 1)[0] for k in outside if OUTPUT_SCALE in k}
    if scaled or wrapped:  # onnx_format false wraps layers that are not quantized
        moved = [k for k in wrapped if OUTPUT_SCALE not in k]
        scales = sum(1 for k in outside if OUTPUT_SCALE in k)
        return QatLayout(False, len(moved), moved[0] if moved else sorted(scaled)[0],
                         len(keys), len(keys) - scales)
    return QatLayout(True, len(outside), outside[0] if outside else "", len(keys))
