"""What an exported program takes and gives, read from paddle 3's `model.json` without paddle.

paddle 3 saves the program as PIR JSON. Every operation is an object whose `"#"` is
`"<dialect>.<name>"` (`1.data`, `1.multiclass_nms3`, `1.fetch`) with attributes `A` and outputs
`O`; a feed is a `data` operation whose attributes hold its `name` and `shape`, a fetched output
a `fetch` operation whose output type (`TT`) holds the shape. Operations nested in control-flow
regions are walked too. Under `--deep` the same record comes from paddle itself
(`qatfix.deep.act_program`), for `model.json` and `model.pdmodel` alike.
"""
from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any, Iterator, Optional

from qatfix.model.protobuf import message_fields

#: operations ppdet's exporters put in the graph for non-maximum suppression
NMS_OPS = frozenset({"multiclass_nms3", "multiclass_nms", "matrix_nms"})
#: the quantization operations of the ONNX-style format (PaddleSlim's `onnx_format: true`,
#: paddle.quantization's convert): what Paddle2ONNX and TensorRT read as int8
LINEAR_QUANT_OPS = frozenset({"quantize_linear", "dequantize_linear"})
#: the prefix of the simulated-quantization operations (`onnx_format: false`):
#: fake_quantize_dequantize_moving_average_abs_max, fake_channel_wise_quantize_dequantize_abs_max,
#: fake_quantize_abs_max, fake_dequantize_max_abs, ...
FAKE_QUANT_PREFIX = "fake_"


@dataclass(frozen=True)
class ProgramFacts:
    """The feeds, fetched outputs and operation names of an exported program."""

    #: feed name -> shape, in program order
    feeds: dict[str, list[int]]
    #: the shape of each fetched output, in fetch order
    fetches: tuple[tuple[int, ...], ...]
    #: the names of the operations (without the dialect)
    ops: frozenset[str]
    #: the file the facts were read from, for messages
    source: str
    #: what read them, when not this module's JSON reader (`--deep`: "paddle 3.3.1")
    loaded_by: str = ""

    @property
    def has_nms(self) -> bool:
        return bool(self.ops & NMS_OPS)

    @property
    def fake_quant_ops(self) -> tuple[str, ...]:
        """The simulated-quantization operations of the program (an `onnx_format: false`
        export), sorted."""
        return tuple(sorted(op for op in self.ops
                            if op.startswith(FAKE_QUANT_PREFIX) and "quant" in op))

    @property
    def quantization(self) -> str:
        """`none` (a float program), `fake` (fake_quantize_* operations: `onnx_format: false`),
        `linear` (quantize_linear/dequantize_linear: `onnx_format: true`), or `both`."""
        fake, linear = bool(self.fake_quant_ops), bool(self.ops & LINEAR_QUANT_OPS)
        return "both" if fake and linear else "fake" if fake else "linear" if linear else "none"

    @property
    def gives_boxes_and_count(self) -> bool:
        """Fetches what ppdet's post-processing gives: boxes (2-D and more) and a 1-D count,
        which is how run_det.py reads the outputs with `include_nms: true`."""
        ranks = [len(shape) for shape in self.fetches]
        return 1 in ranks and any(rank > 1 for rank in ranks)


def _ops(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("#"), str) and "." in item["#"] and (
                    isinstance(item.get("A"), list) or isinstance(item.get("O"), list)):
                yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _attribute(op: dict[str, Any], name: str) -> Any:
    for attribute in op.get("A") or ():
        if isinstance(attribute, dict) and attribute.get("N") == name:
            value = attribute.get("AT")
            return value.get("D") if isinstance(value, dict) else None
    return None


def _output_shape(op: dict[str, Any]) -> tuple[int, ...]:
    outputs = op.get("O")
    first = outputs[0] if isinstance(outputs, list) and outputs else None
    kind = first.get("TT") if isinstance(first, dict) else None
    data = kind.get("D") if isinstance(kind, dict) else None
    shape = data[1] if isinstance(data, list) and len(data) > 1 else None
    return tuple(int(d) for d in shape) if isinstance(shape, list) else ()


def read_json(path: str) -> Optional[ProgramFacts]:
    """The facts of a `model.json`; None when it cannot be read or holds no feed."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    feeds: dict[str, list[int]] = {}
    fetches: list[tuple[int, tuple[int, ...]]] = []
    names: set[str] = set()
    for op in _ops(data.get("program") if isinstance(data, dict) else None):
        name = op["#"].split(".", 1)[1]
        names.add(name)
        if name == "data":
            feed = _attribute(op, "name")
            shape = _attribute(op, "shape")
            if isinstance(feed, str):
                feeds[feed] = list(shape) if isinstance(shape, list) else []
        elif name == "fetch":
            column = _attribute(op, "col")
            fetches.append((column if isinstance(column, int) else len(fetches),
                            _output_shape(op)))
    if not feeds:
        return None
    return ProgramFacts(feeds=feeds, fetches=tuple(shape for _, shape in sorted(fetches)),
                        ops=frozenset(names), source=path)



#: framework.proto: ProgramDesc.blocks = 1; BlockDesc.ops = 4; OpDesc.inputs = 1, outputs = 2,
#: type = 3; OpDesc.Var.parameter = 1, arguments = 2
_BLOCKS, _OPS, _OP_OUTPUTS, _OP_TYPE, _VAR_ARGUMENTS = 1, 4, 2, 3, 2


def _strings(data: bytes, field: int) -> list[str]:
    return [v.decode("utf-8", "replace") for n, w, v in message_fields(data)
            if n == field and w == 2 and isinstance(v, bytes)]


def read_pdmodel(path: str) -> Optional[ProgramFacts]:
    """The operations and feed names of a paddle 2 `model.pdmodel` (a ProgramDesc protobuf);
    its fetched shapes are not read (they are in the variable descriptions), so `fetches` is
    empty. None when the file is not such a program."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        names: set[str] = set()
        feeds: dict[str, list[int]] = {}
        for number, wire, block in message_fields(data):
            if number != _BLOCKS or wire != 2 or not isinstance(block, bytes):
                continue
            for op_number, op_wire, op in message_fields(block):
                if op_number != _OPS or op_wire != 2 or not isinstance(op, bytes):
                    continue
                kind = _strings(op, _OP_TYPE)
                if not kind:
                    continue
                names.add(kind[0])
                if kind[0] == "feed":
                    for n, w, var in message_fields(op):
                        if n == _OP_OUTPUTS and w == 2 and isinstance(var, bytes):
                            feeds.update((name, []) for name in _strings(var, _VAR_ARGUMENTS))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not names:
        return None
    return ProgramFacts(feeds=feeds, fetches=(), ops=frozenset(names), source=path)
