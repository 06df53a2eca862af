"""Signatures of built paddle models (the record lives in qatfix.model; checkpoint files are read
without paddle by `qatfix.model.checkpoint`)."""
from __future__ import annotations

from typing import Any, Sequence

from qatfix.model.signature import QUANTIZABLE_LAYER_TYPES, Shape, Signature

__all__ = ["QUANTIZABLE_LAYER_TYPES", "Shape", "Signature", "dtype_name", "signature_of_layer",
           "parameter_elements"]


def dtype_name(dtype: Any) -> str:
    """`float32` for paddle's `paddle.float32`/`DataType.FLOAT32` and numpy's dtype alike."""
    text = str(dtype)
    for prefix in ("paddle.", "DataType."):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.lower()


#: batch-norm running statistics: paddle creates them as parameters that never train
_STATISTICS = ("_mean", "_variance")


def _statistics_of(model: Any) -> set[int]:
    """`id`s of the running-statistic tensors of every batch-norm layer in `model`."""
    import paddle.nn

    norm_types = tuple(t for t in (getattr(paddle.nn, "BatchNorm", None),
                                   getattr(paddle.nn.layer.norm, "_BatchNormBase", None))
                       if isinstance(t, type))
    found: set[int] = set()
    for _, layer in model.named_sublayers(include_self=True):
        if isinstance(layer, norm_types):
            for name in _STATISTICS:
                value = getattr(layer, name, None)
                if value is not None:
                    found.add(id(value))
    return found


def signature_of_layer(model: Any,
                       quantizable_types: Sequence[str] = QUANTIZABLE_LAYER_TYPES) -> Signature:
    """The signature of a built paddle Layer: quantizable weights marked, buffers named.

    A key is a buffer when its tensor is not among `model.parameters()` (compared by identity)
    or is a batch-norm running statistic.
    """
    import paddle.nn

    layer_types = {name: getattr(paddle.nn, name) for name in quantizable_types
                   if isinstance(getattr(paddle.nn, name, None), type)}
    state = model.state_dict()
    shapes = {key: tuple(int(d) for d in value.shape) for key, value in state.items()}
    dtypes = {key: dtype_name(value.dtype) for key, value in state.items()}
    parameters = {id(p) for p in model.parameters()} - _statistics_of(model)
    buffers = frozenset(key for key, value in state.items() if id(value) not in parameters)
    quantizable: dict[str, str] = {}
    for name, layer in model.named_sublayers():
        key = f"{name}.weight"
        for kind, layer_type in layer_types.items():
            if isinstance(layer, layer_type) and key in shapes:
                quantizable[key] = kind
    return Signature(shapes, dtypes, quantizable, buffers)


def parameter_elements(model: Any) -> int:
    """Scalar values in `model.parameters()`: each shared tensor once, batch-norm statistics
    included (paddle makes them parameters). The registry's `num_params` counts this."""
    return int(sum(int(p.numel()) for p in model.parameters()))
