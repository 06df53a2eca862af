"""paddle 2's program format (`model.pdmodel`, a ProgramDesc protobuf), as paddle itself writes
it in its old-IR static mode: quantized by paddle's own passes into the fake-quant format
(QuantizationTransformPass: what onnx_format false exports hold) and the quantize_linear one
(QuantizationTransformPassV2: onnx_format true), read by qatfix without paddle."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.model.program import read_pdmodel
from qatfix.model.environment import model_writer
from tests.after.helpers import findings
from tests.conftest import require, tree

QUANTIZE = """import sys, paddle
from paddle.framework import core
paddle.enable_static()
kind, out = sys.argv[1:3]
main, startup = paddle.static.Program(), paddle.static.Program()
with paddle.static.program_guard(main, startup):
    x = paddle.static.data('image', [None, 3, 8, 8], 'float32')
    y = paddle.static.nn.conv2d(x, 4, 3)
    z = paddle.mean(y, axis=[2, 3])
place = paddle.CPUPlace()
exe = paddle.static.Executor(place)
exe.run(startup)
graph = paddle.base.framework.IrGraph(core.Graph(main.desc), for_test=True)
from paddle.static.quantization import QuantizationTransformPass, QuantizationTransformPassV2
Pass = QuantizationTransformPassV2 if kind == 'linear' else QuantizationTransformPass
Pass(scope=paddle.static.global_scope(), place=place,
     weight_quantize_type='channel_wise_abs_max').apply(graph)
program = graph.to_program()
paddle.static.save_inference_model(out + '/model', [x], [z], exe, program=program)
print(paddle.__version__)
print(' '.join(sorted({op.type for op in program.global_block().ops})))
"""


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require("paddle")
    root = tmp_path_factory.mktemp("legacy")
    made: dict[str, Any] = {"root": root}
    for kind in ("fake", "linear"):
        (root / kind).mkdir()
        done = subprocess.run([sys.executable, "-c", QUANTIZE, kind, str(root / kind)],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "FLAGS_enable_pir_api": "0"})
        assert done.returncode == 0, done.stderr[-2000:]
        version, ops = done.stdout.strip().splitlines()[-2:]
        made[kind] = (version, set(ops.split()))
    return made


def test_the_operations_are_read_as_paddle_wrote_them(programs: dict[str, Any]) -> None:
    root: Path = programs["root"]
    for kind, quantization in (("fake", "fake"), ("linear", "linear")):
        version, ops = programs[kind]
        program = read_pdmodel(str(root / kind / "model.pdmodel"))
        assert program is not None and program.quantization == quantization
        assert ops <= program.ops and list(program.feeds) == ["image"]
        writer = model_writer(str(root / kind))
        assert writer is not None and writer.version == version


def test_paddle2onnx_on_paddle_2_programs(programs: dict[str, Any]) -> None:
    root: Path = programs["root"]
    _, found = findings("paddle2onnx", "--model_dir", "fake", "--model_filename",
                        "model.pdmodel", "--save_file", "x.onnx", cwd=root)
    hit = [f for f in found if f["code"] == "QF982"]
    assert len(hit) == 1 and "fake_channel_wise_quantize_abs_max" in hit[0]["message"]
    code, found = findings("paddle2onnx", "--model_dir", "linear", "--model_filename",
                           "model.pdmodel", "--save_file", "x.onnx", cwd=root)
    codes = {f["code"] for f in found}
    assert "QF982" not in codes
    assert code == 0 and sorted(codes) == ["QF989"]  # only the note on the converter's parser
    note = [f for f in found if f["code"] == "QF989"]
    assert note and "a paddle 2 program" in note[0]["message"]


def test_a_quantize_linear_program_benchmarked_without_int8(programs: dict[str, Any]) -> None:
    root: Path = programs["root"]
    script = tree("develop") / "deploy" / "python" / "infer.py"  # skips without it (CI: fails)
    base = ("python", str(script), "--model_dir", "linear", "--device", "GPU",
            "--run_benchmark", "True")
    _, found = findings(*base, "--run_mode", "trt_fp16", cwd=root)
    assert "QF985" in {f["code"] for f in found}
    code, found = findings(*base, "--run_mode", "trt_int8", cwd=root)
    assert not {"QF983", "QF985"} & {f["code"] for f in found}
    assert code == 0 and [f["code"] for f in found] == ["QF989"]
