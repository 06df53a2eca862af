"""A local `.pdparams` file read without paddle: tensor names and shapes, and what kind of
checkpoint it is (float, QAT, pruned).

`paddle.save(state_dict)` writes a pickle of a dict of numpy arrays (protocol 4 with
`numpy.core.multiarray._reconstruct`, `numpy.ndarray` and `numpy.dtype`). A pickle can name any
callable, so the file is read with an unpickler that resolves only those globals, and to
stand-ins that record a shape instead of building an array: nothing named in the file runs, and
numpy is not imported. Anything else in the file is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
import os
import pickle
from typing import Any, Mapping

from qatfix.errors import ConfigError

Shape = tuple[int, ...]

#: the tensor-name parts paddleslim's quantization wrappers add (ppdet QAT through
#: paddleslim.dygraph.quant.QAT): the wrapped layer, its fake-quant scales, PACT's alpha
QAT_MARKERS = ("._layer.", "._fake_quant_", "._act_preprocess.", "._ma_output_scale.")


class _Array:
    """Stands in for a numpy array: keeps the shape `__setstate__` is given, drops the bytes."""

    shape: Shape = ()
    dtype: str = ""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) >= 5:
            self.shape = tuple(int(n) for n in state[1])
            self.dtype = getattr(state[2], "name", "")


class _Dtype:
    """Stands in for `numpy.dtype('f4', ...)`."""

    def __init__(self, name: str = "", *_: Any) -> None:
        self.name = str(name)

    def __setstate__(self, state: Any) -> None:
        pass


def _reconstruct(cls: Any, shape: Any, dtype: Any) -> _Array:
    return _Array()


class _Scalar:
    """Stands in for `numpy.core.multiarray.scalar(dtype, bytes)` (a 0-d value)."""

    def __init__(self, *_: Any) -> None:
        self.shape: Shape = ()


#: (module, name) -> stand-in: the only globals a paddle state dict needs
_ALLOWED: Mapping[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): _Scalar,
    ("numpy._core.multiarray", "scalar"): _Scalar,
    ("numpy", "ndarray"): _Array,
    ("numpy", "dtype"): _Dtype,
    ("collections", "OrderedDict"): dict,
    ("builtins", "dict"): dict,
    ("builtins", "list"): list,
    ("builtins", "tuple"): tuple,
}


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"it names {module}.{name}, which a paddle state dict "
                                         "never holds (refused, nothing from the file was run)")
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("it uses persistent ids (a torch checkpoint?), refused")


@dataclass(frozen=True)
class Checkpoint:
    """The tensors of a `.pdparams` file: name -> shape."""

    path: str
    shapes: Mapping[str, Shape]

    @property
    def is_qat(self) -> bool:
        return any(marker in key for key in self.shapes for marker in QAT_MARKERS)


def read_checkpoint(path: str) -> Checkpoint:
    """Names and shapes of the tensors in `path`; ConfigError (one line) when the file is not a
    paddle state dict or holds anything but arrays."""
    try:
        with open(path, "rb") as handle:
            data = _Restricted(handle).load()
    except OSError as exc:
        raise ConfigError(f"cannot read the weights file: {exc.strerror or exc}", path=path)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, ImportError) as exc:
        raise ConfigError(f"not a paddle state dict: {exc}", path=path)
    if not isinstance(data, dict):
        raise ConfigError(f"not a paddle state dict: it holds a {type(data).__name__}", path=path)
    shapes = {str(k): v.shape for k, v in data.items()
              if isinstance(v, (_Array, _Scalar)) and not str(k).endswith("@@")}
    return Checkpoint(os.fspath(path), shapes)


@dataclass(frozen=True)
class CheckpointKind:
    """What a checkpoint holds compared with the model it is loaded into."""

    #: "qat" (paddleslim quantization wrappers), "pruned" (tensors smaller than the model's),
    #: "float" (the model's own names and shapes), or "other" (too little in common to say)
    kind: str
    #: model tensors of the same name and a smaller shape (pruned), for the message
    smaller: tuple[tuple[str, Shape, Shape], ...] = ()
    #: model tensors found in the checkpoint under their own name and shape
    same: int = 0


def kind_against(checkpoint: Checkpoint, model: Mapping[str, Shape] | None) -> CheckpointKind:
    """QAT when paddleslim's wrapper names are in it; else pruned when some tensors of the
    model's names are smaller in the checkpoint (channels removed); else float."""
    if checkpoint.is_qat:
        return CheckpointKind("qat")
    if not model:
        return CheckpointKind("float")
    smaller, same = [], 0
    for key, shape in model.items():
        found = checkpoint.shapes.get(key)
        if found is None:
            continue
        if tuple(found) == tuple(shape):
            same += 1
        elif len(found) == len(shape) and all(a <= b for a, b in zip(found, shape)):
            smaller.append((key, tuple(found), tuple(shape)))
    if smaller:
        return CheckpointKind("pruned", tuple(smaller), same)
    return CheckpointKind("float" if same else "other", (), same)
