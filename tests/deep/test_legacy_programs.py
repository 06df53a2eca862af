"""paddle 2's program format (`model.pdmodel`, a ProgramDesc protobuf), as paddle itself writes
it in its old-IR static mode: quantized by paddle's own passes into the fake-quant format
(QuantizationTransformPass: what onnx_format false exports hold) and the quantize_linear one
(QuantizationTransformPassV2: onnx_format true), read by qatfix without paddle."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qatfix.model.program import read_pdmodel
from qatfix.model.environment import model_writer
from tests.after.helpers import findings, qatfix
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
    assert code == 0 and [f["code"] for f in found] == ["QF989"]


def _eval_folder(root: Path, name: str, *, beside: str = "") -> Path:
    """An ACT folder whose configs name paddle's own quantized programs as model_dir: an ACT
    config (Global, release-2.6's eval.py --config_path) and a flat PTQ config (PaddleSlim's
    post_training_quantization eval.py), with `beside` the Paddle Inference script of the
    folder ("" for none)."""
    folder = root / name
    (folder / "configs").mkdir(parents=True)
    if beside:
        (folder / beside).write_text("# the folder's Paddle Inference evaluation script\n")
    reader = ("metric: COCO\nnum_classes: 80\nworker_num: 0\n"
              "EvalDataset:\n  !COCODataSet\n    image_dir: val2017\n"
              "    anno_path: annotations/instances_val2017.json\n    dataset_dir: /data/coco/\n"
              "EvalReader:\n  sample_transforms:\n  - Decode: {}\n"
              "  - Resize: {interp: 2, target_size: [8, 8], keep_ratio: False}\n"
              "  - NormalizeImage: {is_scale: true, mean: [0.485,0.456,0.406], "
              "std: [0.229, 0.224,0.225]}\n  - Permute: {}\n  batch_size: 1\n")
    (folder / "configs" / "reader.yml").write_text(reader)
    for kind in ("fake", "linear"):
        (folder / "configs" / f"act_{kind}.yaml").write_text(
            f"Global:\n  reader_config: configs/reader.yml\n  model_dir: {root / kind}\n"
            "  model_filename: model.pdmodel\n  params_filename: model.pdiparams\n"
            "QuantAware: {onnx_format: true, use_pact: true, activation_quantize_type: "
            "'moving_average_abs_max', quantize_op_types: [conv2d, depthwise_conv2d]}\n")
        (folder / "configs" / f"ptq_{kind}.yaml").write_text(
            f"input_list: ['image']\nmodel_dir: {root / kind}\nmodel_filename: model.pdmodel\n"
            "params_filename: model.pdiparams\n"
            "TrainDataset:\n  !COCODataSet\n    image_dir: train2017\n"
            "    anno_path: annotations/instances_train2017.json\n    dataset_dir: /data/coco/\n"
            + reader)
    return folder


def test_a_full_quant_program_evaluated_with_eval_py(programs: dict[str, Any]) -> None:
    root: Path = programs["root"]
    folder = _eval_folder(root, "release_act", beside="paddle_inference_eval.py")
    code, found = findings("python", "eval.py", "--config_path", "configs/act_linear.yaml",
                           cwd=folder)
    hit = [f for f in found if f["code"] == "QF965"]
    assert code == 1 and len(hit) == 1 and hit[0]["severity"] == "warning"
    assert "quantize_linear" in hit[0]["message"] and hit[0]["location"]["line"] == 3
    want = (f"python paddle_inference_eval.py --model_path {root / 'linear'} --reader_config "
            "configs/reader.yml --use_trt True --precision int8")
    assert hit[0]["fix"]["command"] == want and hit[0]["fix"]["edits"] == []
    assert hit[0]["fix"]["safety"] == "unsafe" and "TensorRT" in hit[0]["fix"]["reason"]
    # develop's eval.py takes --act_config_path; its folder evaluates with test_det.py --config
    folder = _eval_folder(root, "develop_act", beside="test_det.py")
    _, found = findings("python", "eval.py", "--act_config_path=configs/act_linear.yaml",
                        cwd=folder)
    hit = [f for f in found if f["code"] == "QF965"]
    assert len(hit) == 1 and hit[0]["fix"]["command"].startswith(
        "python test_det.py --model_path ") and "--config configs/reader.yml" in \
        hit[0]["fix"]["command"]
    # the flat PTQ config's eval.py: its reader is the config itself
    folder = _eval_folder(root, "ptq")
    _, found = findings("python", "eval.py", "--config_path", "configs/ptq_linear.yaml",
                        cwd=folder)
    hit = [f for f in found if f["code"] == "QF965"]
    assert len(hit) == 1 and "--reader_config configs/ptq_linear.yaml" in hit[0]["fix"]["command"]
    assert "PaddleSlim's example/auto_compression/detection script" in hit[0]["message"]


def test_eval_py_on_a_fake_quant_program_and_training_are_not_qf965(
        programs: dict[str, Any]) -> None:
    root: Path = programs["root"]
    folder = _eval_folder(root, "quiet", beside="paddle_inference_eval.py")
    for config in ("configs/act_fake.yaml", "configs/ptq_fake.yaml"):
        _, found = findings("python", "eval.py", "--config_path", config, cwd=folder)
        assert "QF965" not in {f["code"] for f in found}
    # the same full-quant model named in a post_quant.py command is calibrated, not evaluated
    _, found = findings("python", "post_quant.py", "--config_path", "configs/ptq_linear.yaml",
                        cwd=folder)
    assert "QF965" not in {f["code"] for f in found}
    # SARIF carries the command in the result's properties (its fixes must change a file)
    done = qatfix("--format", "sarif", "python", "eval.py", "--config_path",
                  "configs/act_linear.yaml", cwd=folder)
    result = next(r for r in json.loads(done.stdout)["runs"][0]["results"]
                  if r["ruleId"] == "QF965")
    assert "fixes" not in result
    assert result["properties"]["commands"][0]["command"].startswith(
        "python paddle_inference_eval.py --model_path ")
    assert result["properties"]["commands"][0]["safety"] == "unsafe"
