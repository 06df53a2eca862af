"""A local `.pdparams` file read without paddle: tensor names, shapes and dtypes, and what kind
of checkpoint it is (float, QAT, pruned).

`paddle.save(state_dict)` writes a pickle of a dict of numpy arrays (protocol 4 with
`numpy.core.multiarray._reconstruct`, `numpy.ndarray` and `numpy.dtype`; older paddle wrote
protocol 2, which adds `_codecs.encode` for the raw bytes). A pickle can name any callable, so
the file is read with an unpickler that resolves only those globals, and to stand-ins that record
a shape and a dtype instead of building an array: nothing named in the file runs, and numpy is not
imported. Anything else in the file is refused. This is the one reader of checkpoints: paddle is
only ever handed bytes this reader has accepted (`qatfix.deep.checked_load`).
"""
from __future__ import annotations

import io
import os
import pickle
from dataclasses import dataclass, field
from typing import IO, Any, Mapping

from qatfix.errors import ConfigError, RefusedInputError

Shape = tuple[int, ...]

#: the tensor-name parts paddleslim's quantization wrappers add (ppdet QAT through
#: paddleslim.dygraph.quant.QAT): the wrapped layer, its fake-quant scales, PACT's alpha
QAT_MARKERS = ("._layer.", "._fake_quant_", "._act_preprocess.", "._ma_output_scale.")
#: tensors QAT adds beside the wrapped layer's own (scales, PACT's alpha, output scales)
QAT_ADDED = ("._fake_quant_", "._act_preprocess.", "._ma_output_scale.")
#: the wrapper part of a quantized layer's own tensor names (`conv._layer.weight`)
QAT_WRAPPED = "._layer."

#: numpy's type codes (`dtype('f4')` in a pickle) -> (dtype name, bytes per value)
_DTYPES: Mapping[str, tuple[str, int]] = {
    "b1": ("bool", 1), "?": ("bool", 1), "i1": ("int8", 1), "u1": ("uint8", 1),
    "i2": ("int16", 2), "u2": ("uint16", 2), "i4": ("int32", 4), "u4": ("uint32", 4),
    "i8": ("int64", 8), "u8": ("uint64", 8), "f2": ("float16", 2), "f4": ("float32", 4),
    "f8": ("float64", 8), "c8": ("complex64", 8), "c16": ("complex128", 16),
}
#: the first bytes of a zip archive: PyTorch's checkpoint format (`archive/data.pkl` inside)
_ZIP_MAGIC = b"PK\x03\x04"


_ITEM_SIZES: Mapping[str, int] = dict(_DTYPES.values())


def dtype_of(code: str) -> tuple[str, int]:
    """(name, bytes per value) of a numpy type code; ("", 0) when it is none numpy writes."""
    return _DTYPES.get(code.lstrip("<>|="), ("", 0))


def item_size(name: str) -> int:
    """Bytes per value of a dtype name a checkpoint holds (`float32`: 4); 0 when unknown."""
    return _ITEM_SIZES.get(name, 0)


class _Dtype:
    """Stands in for `numpy.dtype('f4', ...)`."""

    def __init__(self, code: Any = "", *_: Any) -> None:
        self.name, self.itemsize = dtype_of(str(code))

    def __setstate__(self, state: Any) -> None:
        pass


class _Array:
    """Stands in for a numpy array: keeps the shape and dtype `__setstate__` is given, drops the
    bytes."""

    shape: Shape = ()
    dtype: str = ""

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) >= 5:
            self.shape = tuple(int(n) for n in state[1])
            self.dtype = getattr(state[2], "name", "")


def _reconstruct(cls: Any, shape: Any, dtype: Any) -> _Array:
    return _Array()


class _Scalar:
    """Stands in for `numpy.core.multiarray.scalar(dtype, bytes)` (a 0-d value)."""

    def __init__(self, dtype: Any = None, *_: Any) -> None:
        self.shape: Shape = ()
        self.dtype: str = getattr(dtype, "name", "")


def _encode(*_: Any) -> bytes:
    """Stands in for `_codecs.encode(text, 'latin1')`, protocol 2's spelling of raw bytes."""
    return b""


#: (module, name) -> stand-in: the only globals a paddle state dict needs
_ALLOWED: Mapping[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): _Scalar,
    ("numpy._core.multiarray", "scalar"): _Scalar,
    ("numpy", "ndarray"): _Array,
    ("numpy", "dtype"): _Dtype,
    ("_codecs", "encode"): _encode,
    ("collections", "OrderedDict"): dict,
    ("builtins", "dict"): dict,
    ("builtins", "list"): list,
    ("builtins", "tuple"): tuple,
}


class _Refused(pickle.UnpicklingError):
    """The pickle asks for something a paddle state dict never holds."""


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _ALLOWED.get((module, name))
        if found is None:
            raise _Refused(f"it names {module}.{name}, which a paddle state dict never holds "
                           "(refused, nothing from the file was run)")
        return found

    def persistent_load(self, pid: Any) -> Any:
        raise _Refused("it uses persistent ids (a torch checkpoint?), refused")


@dataclass(frozen=True)
class Checkpoint:
    """The tensors of a `.pdparams` file: name -> shape (and dtype name), in the file's order."""

    path: str
    shapes: Mapping[str, Shape]
    dtypes: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_qat(self) -> bool:
        return any(marker in key for key in self.shapes for marker in QAT_MARKERS)

    @property
    def elements(self) -> int:
        """Scalar values in the whole state dict."""
        total = 0
        for shape in self.shapes.values():
            count = 1
            for dim in shape:
                count *= dim
            total += count
        return total

    def float_names(self) -> dict[str, Shape]:
        """The tensors under the names the float network gives them: for a QAT checkpoint the
        wrapped layers' own tensors (`conv._layer.weight` -> `conv.weight`, `bn._layer._mean`
        -> `bn._mean`) without what quantization added (scales, PACT's alpha); otherwise the
        tensors as they are. Order is kept."""
        if not self.is_qat:
            return dict(self.shapes)
        return {key.replace(QAT_WRAPPED, "."): shape for key, shape in self.shapes.items()
                if not any(added in key for added in QAT_ADDED)}


_TRUNCATED = ("not a paddle state dict: the file ends early (truncated?); nothing from it was "
              "run")


def _load(handle: IO[bytes], path: str) -> Any:
    """Unpickle with the restricted unpickler; ConfigError (one line) on anything it refuses or
    cannot read."""
    start = handle.read(len(_ZIP_MAGIC))
    if start == _ZIP_MAGIC:
        raise RefusedInputError("not a paddle state dict: it is a zip archive (PyTorch's "
                                "checkpoint format, with data.pkl inside); refused, nothing from "
                                "the file was run", path=path)
    handle.seek(0)
    try:
        return _Restricted(handle, encoding="latin1").load()
    except _Refused as exc:
        raise RefusedInputError(f"not a paddle state dict: {exc}", path=path) from None
    except EOFError:
        raise ConfigError(_TRUNCATED, path=path) from None
    except pickle.UnpicklingError as exc:
        if "truncated" in str(exc):
            raise ConfigError(_TRUNCATED, path=path) from None
        raise ConfigError(f"not a paddle state dict: {exc}", path=path) from None
    except Exception as exc:  # whatever else a malformed pickle makes the unpickler raise
        raise ConfigError(f"not a paddle state dict: {type(exc).__name__}: {exc}; nothing from "
                          "the file was run", path=path) from None


def _checkpoint(data: Any, path: str) -> Checkpoint:
    if not isinstance(data, dict):
        raise ConfigError(f"not a paddle state dict: it holds a {type(data).__name__}", path=path)
    arrays = {str(k): v for k, v in data.items()
              if isinstance(v, (_Array, _Scalar)) and not str(k).endswith("@@")}
    return Checkpoint(os.fspath(path), {k: v.shape for k, v in arrays.items()},
                      {k: v.dtype for k, v in arrays.items() if v.dtype})


def read_checkpoint(path: str) -> Checkpoint:
    """Names, shapes and dtypes of the tensors in `path`; ConfigError (one line) when the file
    is not a paddle state dict or holds anything but arrays."""
    try:
        with open(path, "rb") as handle:
            data = _load(handle, path)
    except OSError as exc:
        raise ConfigError(f"cannot read the weights file: {exc.strerror or exc}", path=path)
    return _checkpoint(data, path)


def checked_bytes(path: str) -> bytes:
    """The bytes of `path`, once the restricted reader has accepted them as a paddle state dict
    (ConfigError otherwise): what paddle may be handed, instead of the path it would reopen."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f"cannot read the weights file: {exc.strerror or exc}", path=path)
    _checkpoint(_load(io.BytesIO(data), path), path)
    return data


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
