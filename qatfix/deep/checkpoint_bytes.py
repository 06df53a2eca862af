"""Checkpoint sizes of a built model: what QAT saves versus what int8 export produces.

A fake-quant QAT run keeps every parameter in float32 (the `.pdparams` it saves are as large as the
float model's); only export/conversion stores the quantized layers' weights as int8, with one
float32 scale per output channel (`channel_wise_abs_max`). Sizes count tensor payload bytes
exactly; the file adds a small pickle header per tensor.
"""
from __future__ import annotations

from dataclasses import dataclass
from qatfix.deep.signature import Signature

_ITEM_SIZES = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4,
    "int16": 2, "int8": 1, "uint8": 1, "bool": 1,
}


@dataclass(frozen=True)
class CheckpointSizes:
    """Parameter counts and payload bytes of one model."""

    tensors: int
    elements: int
    #: elements of the weights a QAT run quantizes (Conv2D/Linear weights)
    quantizable_elements: int
    #: bytes of a float32 checkpoint, e.g. what fake-quant QAT saves
    float32_bytes: int
    #: bytes after int8 export: quantized weights at 1 byte plus float32 per-channel scales
    int8_bytes: int

    @property
    def ratio(self) -> float:
        return self.int8_bytes / self.float32_bytes if self.float32_bytes else 1.0


def _count(shape: tuple[int, ...]) -> int:
    total = 1
    for dim in shape:
        total *= dim
    return total


def _channels(shape: tuple[int, ...], layer_type: str) -> int:
    """Output channels: axis 0 of a Conv2D weight, axis 1 of a paddle Linear weight [in, out]."""
    if not shape:
        return 1
    if layer_type == "Linear" and len(shape) >= 2:
        return shape[1]
    return shape[0]


def checkpoint_sizes(signature: Signature) -> CheckpointSizes:
    """Float32 and int8 payload sizes of the model whose signature this is."""
    elements = quantizable = float_bytes = int8_bytes = 0
    for key, shape in signature.shapes.items():
        count = _count(shape)
        item = _ITEM_SIZES.get(signature.dtypes.get(key, "float32"), 4)
        elements += count
        float_bytes += count * item
        layer_type = signature.quantizable.get(key)
        if layer_type is None:
            int8_bytes += count * item
        else:
            quantizable += count
            int8_bytes += count + 4 * _channels(shape, layer_type)
    return CheckpointSizes(len(signature.shapes), elements, quantizable, float_bytes, int8_bytes)
