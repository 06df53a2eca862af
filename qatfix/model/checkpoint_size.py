"""How big a checkpoint is, and the QF501 text about it: shared by the rule (sizes from the
registry's signatures) and `--deep` (sizes of the model ppdet built)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from qatfix.model.signature import Signature


@dataclass(frozen=True)
class ModelSize:
    """How many scalar values a model has, and which count that is."""

    count: int
    #: "state_dict": every tensor the checkpoint holds (what `--deep` counts);
    #: "parameters": `model.parameters()`, each shared tensor once (the registry's num_params)
    kind: Literal["state_dict", "parameters"]

    def text(self) -> str:
        where = "in the state dict" if self.kind == "state_dict" else "in model.parameters()"
        return f"{self.count:,} values {where}"


def megabytes(count: int, bytes_per_param: int) -> str:
    return f"{count * bytes_per_param / 1e6:.1f} MB"


class SizeEstimate(NamedTuple):
    """What QF501 says about one model's checkpoint: float32 bytes as QAT saves it, int8 bytes
    once exported, and how the figures were had. The rule (from the signature ppdet built for
    the official config) and `--deep` (from the model it builds) make it with the same
    `checkpoint_sizes`, so both modes print the same figures for the same network."""

    #: `1,249,528 values in the state dict`
    what: str
    float32_bytes: int
    int8_bytes: int
    #: figures from a signature (exact), not from a bare parameter count
    exact: bool

    def note(self) -> str:
        """` (1,249,528 values in the state dict: 5.0 MB as float32 ..., 1.4 MB ... int8)`."""
        about = "" if self.exact else "about "
        return (f" ({self.what}: {about}{self.float32_bytes / 1e6:.1f} MB as float32 in "
                f"model_final.pdparams, {about}{self.int8_bytes / 1e6:.1f} MB once exported as "
                "int8)")

    def headline(self) -> str:
        about = "" if self.exact else "about "
        return (f"the QAT checkpoint stays float32 ({about}{self.float32_bytes / 1e6:.1f} MB); "
                f"int8 ({about}{self.int8_bytes / 1e6:.1f} MB) comes from export")


def signature_estimate(signature: Signature) -> SizeEstimate:
    """QF501's figures for the model whose signature this is."""
    sizes = checkpoint_sizes(signature)
    return SizeEstimate(f"{sizes.elements:,} values in the state dict", sizes.float32_bytes,
                        sizes.int8_bytes, exact=True)


def count_estimate(size: ModelSize) -> SizeEstimate:
    """QF501's figures from a bare count of values (no signature): 4 bytes each as float32, one
    byte each as int8."""
    return SizeEstimate(size.text(), size.count * 4, size.count, exact=False)


#: what every QF501 says, whatever the model: folded into one line in a folder scan
SIZE_FACT = ("QAT checkpoints stay float32; int8 storage comes from tools/export_model.py and "
             "conversion")


def size_message(estimate: SizeEstimate | None = None) -> str:
    """The QF501 message, with the expected sizes when known."""
    sizes = estimate.note() if estimate is not None else ""
    return ("QAT checkpoints stay float32: fake-quant training keeps float weights, so the "
            f"saved model will not be smaller{sizes}. int8 storage comes from "
            "tools/export_model.py followed by Paddle Lite's opt or PaddleSlim auto-compression")


def size_headline(estimate: SizeEstimate | None = None) -> str:
    if estimate is None:
        return "the QAT checkpoint stays float32: int8 comes from export"
    return estimate.headline()


_ITEM_SIZES = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4,
    "int16": 2, "int8": 1, "uint8": 1, "bool": 1,
}


class CheckpointSizes(NamedTuple):
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
