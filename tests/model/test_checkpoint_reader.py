"""The restricted checkpoint reader on pickles as paddle writes them (numpy arrays, protocols 2
and 4): names, shapes and dtypes as numpy has them, nothing constructed; QAT names unwrapped to
the float network's."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from qatfix.errors import ConfigError, RefusedInputError
from qatfix.model.checkpoint import checked_bytes, item_size, read_checkpoint
from tests.conftest import require

DTYPES = ("float32", "float16", "float64", "int64", "int32", "int8", "uint8", "uint16", "bool")


@pytest.mark.parametrize("protocol", [2, 4])
def test_shapes_and_dtypes_are_numpys(tmp_path: Path, protocol: int) -> None:
    numpy = require("numpy")
    state = {f"t.{name}": numpy.zeros((2, 3), dtype=name) for name in DTYPES}
    state["scalar"] = numpy.int64(7)
    state["zero_d"] = numpy.zeros((), dtype="float32")
    state["StructuredToParameterName@@"] = {"t.float32": "conv2d_0.w_0"}
    path = tmp_path / "w.pdparams"
    path.write_bytes(pickle.dumps(state, protocol=protocol))

    found = read_checkpoint(str(path))
    arrays = {k: v for k, v in state.items() if not k.endswith("@@")}
    assert found.shapes == {k: tuple(numpy.shape(v)) for k, v in arrays.items()}
    assert found.dtypes == {k: str(numpy.asarray(v).dtype) for k, v in arrays.items()}
    assert all(item_size(d) == numpy.dtype(d).itemsize for d in DTYPES)
    assert found.elements == sum(int(numpy.size(v)) for v in arrays.values())
    assert checked_bytes(str(path)) == path.read_bytes()


def test_qat_names_are_unwrapped_to_the_float_networks(tmp_path: Path) -> None:
    numpy = require("numpy")
    zeros = numpy.zeros
    state = {"conv._layer.weight": zeros((8, 3, 3, 3)), "conv._layer._fake_quant_weight._scale":
             zeros((8,)), "conv._layer._act_preprocess.alpha": zeros((1,)),
             "conv._ma_output_scale._scale": zeros((1,)), "bn._layer._mean": zeros((8,)),
             "bn.weight": zeros((8,))}
    path = tmp_path / "qat.pdparams"
    path.write_bytes(pickle.dumps(state, protocol=4))
    found = read_checkpoint(str(path))
    assert found.is_qat
    assert list(found.float_names().items()) == [("conv.weight", (8, 3, 3, 3)),
                                                 ("bn._mean", (8,)), ("bn.weight", (8,))]


def test_refusals_are_one_kind(tmp_path: Path) -> None:
    import os

    class Call:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.getcwd, ())

    path = tmp_path / "x.pdparams"
    path.write_bytes(pickle.dumps({"a": Call()}))
    with pytest.raises(RefusedInputError, match="names posix.getcwd"):
        checked_bytes(str(path))
    path.write_bytes(pickle.dumps({"a": 1})[:5])
    with pytest.raises(ConfigError, match="ends early") as raised:
        read_checkpoint(str(path))
    assert not isinstance(raised.value, RefusedInputError)
