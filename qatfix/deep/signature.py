"""Key -> shape signatures: all the loader compares, for models and weights files alike."""
from __future__ import annotations

from dataclasses import field
from typing import Any, Mapping, Sequence

from qatfix.deep.matching import Shape
from qatfix.record import record

#: layer types PaddleSlim quantizes by default (`quantizable_layer_type` in the QAT configs)
QUANTIZABLE_LAYER_TYPES: tuple[str, ...] = ("Conv2D", "Linear")


@record
class Signature:
    """State-dict keys with shapes and dtypes, in the order the state dict lists them."""

    shapes: Mapping[str, Shape]
    dtypes: Mapping[str, str] = field(default_factory=dict)
    #: keys of weights a QAT run quantizes (Conv2D/Linear weights), with their layer type
    quantizable: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.shapes)

    @property
    def elements(self) -> int:
        total = 0
        for shape in self.shapes.values():
            count = 1
            for dim in shape:
                count *= dim
            total += count
        return total


def dtype_name(dtype: Any) -> str:
    """`float32` for paddle's `paddle.float32`/`DataType.FLOAT32` and numpy's dtype alike."""
    text = str(dtype)
    for prefix in ("paddle.", "DataType."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.lower()


def signature_of_layer(model: Any,
                       quantizable_types: Sequence[str] = QUANTIZABLE_LAYER_TYPES) -> Signature:
    """The signature of a built paddle Layer, with the weights of quantizable layers marked."""
    import paddle.nn

    layer_types = {name: getattr(paddle.nn, name) for name in quantizable_types
                   if isinstance(getattr(paddle.nn, name, None), type)}
    state = model.state_dict()
    shapes = {key: tuple(int(d) for d in value.shape) for key, value in state.items()}
    dtypes = {key: dtype_name(value.dtype) for key, value in state.items()}
    quantizable: dict[str, str] = {}
    for name, layer in model.named_sublayers():
        key = f"{name}.weight"
        for kind, layer_type in layer_types.items():
            if isinstance(layer, layer_type) and key in shapes:
                quantizable[key] = kind
    return Signature(shapes, dtypes, quantizable)


def signature_of_state(state: Mapping[str, Any]) -> Signature:
    """The signature of a loaded state dict (numpy arrays or paddle tensors); other values skipped."""
    shapes: dict[str, Shape] = {}
    dtypes: dict[str, str] = {}
    for key, value in state.items():
        shape = getattr(value, "shape", None)
        if shape is None:
            continue
        shapes[str(key)] = tuple(int(d) for d in shape)
        dtypes[str(key)] = dtype_name(getattr(value, "dtype", "unknown"))
    return Signature(shapes, dtypes)
