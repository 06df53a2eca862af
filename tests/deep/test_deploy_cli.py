"""Pasted inference, evaluation and conversion commands against models exported by develop's
own ppdet on paddle 3 (float, fake-quant, without post-processing), run through the qatfix CLI
in fresh processes from a checkout holding both trees' scripts."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.after.helpers import findings
from tests.conftest import require, require_executable, tree

HERE = Path(__file__).resolve().parent
PICODET = "configs/picodet/picodet_s_320_coco_lcnet.yml"
PPYOLOE = "configs/ppyoloe/ppyoloe_plus_crn_s_80e_coco.yml"
#: folder -> (config, export options, quantization)
EXPORTS = {
    "pico_float": (PICODET, "{}", ""),
    "pico_fake": (PICODET, "{}", "fake"),
    "pico_benchmark": (PICODET, '{"export": {"benchmark": true}}', ""),
    "ppyoloe_raw": (PPYOLOE, '{"exclude_post_process": true}', ""),
}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PaddleDetection checkout (develop's tools/, deploy/python/ and auto_compression
    scripts, release-2.6's under release/) whose output_inference/ holds the exports."""
    require("paddle")
    develop, release = tree("develop"), tree("release-2.6")
    root = tmp_path_factory.mktemp("PaddleDetection")
    for name in ("configs", "ppdet", "tools"):
        (root / name).symlink_to(develop / name)
    (root / "deploy").mkdir()
    (root / "deploy" / "python").symlink_to(develop / "deploy" / "python")
    (root / "deploy" / "auto_compression").symlink_to(develop / "deploy" / "auto_compression")
    (root / "release").mkdir()
    (root / "release" / "deploy").symlink_to(release / "deploy")
    for folder, (config, options, quantize) in EXPORTS.items():
        out = root / "export" / folder
        done = subprocess.run([sys.executable, str(HERE / "export_ppdet.py"), str(develop),
                               config, str(out), options, quantize], capture_output=True,
                              text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        (root / "output_inference").mkdir(exist_ok=True)
        (out / Path(config).stem).rename(root / "output_inference" / folder)
    return root


def _run(checkout: Path, *command: str) -> tuple[int, list[dict[str, Any]]]:
    return findings(*command, cwd=checkout)


def _codes(found: list[dict[str, Any]]) -> set[str]:
    return {f["code"] for f in found}


def _outcome(checkout: Path, *command: str) -> tuple[int, list[str]]:
    """The exit code of one run and the codes it reported, sorted."""
    code, found = _run(checkout, *command)
    return code, sorted(f["code"] for f in found)


def _one(found: list[dict[str, Any]], code: str) -> dict[str, Any]:
    hits = [f for f in found if f["code"] == code]
    assert len(hits) == 1, found
    return hits[0]


def test_the_exports_hold_what_the_rules_read(checkout: Path) -> None:
    """The programs, read without paddle: float and fake-quant operations, the fetches."""
    from qatfix.model.program import read_json

    models = checkout / "output_inference"
    float_program = read_json(str(models / "pico_float" / "model.json"))
    fake = read_json(str(models / "pico_fake" / "model.json"))
    raw = read_json(str(models / "ppyoloe_raw" / "model.json"))
    assert float_program and fake and raw
    assert float_program.quantization == "none" and float_program.gives_boxes_and_count
    assert fake.quantization == "fake"
    assert "fake_quantize_dequantize_moving_average_abs_max" in fake.fake_quant_ops
    assert not raw.gives_boxes_and_count and len(raw.fetches) == 1


def test_a_fake_quant_export_sent_to_paddle2onnx(checkout: Path) -> None:
    code, found = _run(checkout, "paddle2onnx", "--model_dir", "output_inference/pico_fake",
                       "--model_filename", "model.json", "--params_filename",
                       "model.pdiparams", "--save_file", "model.onnx")
    finding = _one(found, "QF982")
    assert code == 1 and finding["severity"] == "error"
    assert "fake_quantize_dequantize_moving_average_abs_max" in finding["message"]
    assert "onnx_format: true" in finding["message"]
    code, codes = _outcome(checkout, "paddle2onnx", "--model_dir", "output_inference/pico_float",
                           "--model_filename", "model.json", "--save_file", "model.onnx")
    assert "QF982" not in codes
    assert (code, codes) == (1, ["QF990"])  # the float export is judged, for another reason


def test_trt_int8_on_a_float_export_without_calibration(checkout: Path) -> None:
    base = ("python", "deploy/python/infer.py", "--model_dir", "output_inference/pico_float",
            "--image_file", "demo.jpg", "--device", "GPU", "--run_mode", "trt_int8")
    code, found = _run(checkout, *base)
    finding = _one(found, "QF983")
    assert code == 1 and "--trt_calib_mode=True" in finding["message"]
    assert _outcome(checkout, *base, "--trt_calib_mode=True") == (0, [])
    # the fake-quant export has its scales: no calibration needed
    quantized = [t if t != "output_inference/pico_float" else "output_inference/pico_fake"
                 for t in base]
    assert _outcome(checkout, *quantized) == (0, [])


def test_trt_calib_mode_false_is_true_in_both_trees(checkout: Path) -> None:
    for script in ("deploy/python/infer.py", "release/deploy/python/infer.py"):
        code, found = _run(checkout, "python", script, "--model_dir",
                           "output_inference/pico_float", "--run_mode", "trt_int8", "--device",
                           "GPU", "--trt_calib_mode=False")
        finding = _one(found, "QF981")
        assert finding["location"]["path"].endswith("deploy/python/utils.py")
        assert "QF983" not in _codes(found)  # it is True: TensorRT calibrates
        # release-2.6's infer.py also opens model.pdmodel (QF988)
        assert code == 1 and _codes(found) == ({"QF981", "QF988"} if script.startswith("release")
                                               else {"QF981"})


def test_int8_evaluation_without_tensorrt_runs_fp32(checkout: Path) -> None:
    base = ("python", "deploy/auto_compression/test_det.py", "--model_path",
            "output_inference/pico_fake", "--reader_config", "configs/reader.yml",
            "--precision", "int8")
    code, found = _run(checkout, *base)
    finding = _one(found, "QF984")
    assert "--use_trt=True" in finding["message"] and "fp32" in finding["message"]
    code, codes = _outcome(checkout, *base, "--use_trt", "True")
    assert "QF984" not in codes and (code, codes) == (1, ["QF980", "QF988"])
    # release-2.6: --use_trt False is read as True (type=bool): no fp32 run, but QF981
    code, codes = _outcome(checkout, "python",
                           "release/deploy/auto_compression/paddle_inference_eval.py",
                           "--model_path", "output_inference/pico_fake", "--precision", "int8",
                           "--use_trt", "False")
    assert "QF981" in codes and "QF984" not in codes
    assert (code, codes) == (1, ["QF981", "QF988"])


def test_a_quantized_model_benchmarked_without_int8(checkout: Path) -> None:
    base = ("python", "deploy/python/infer.py", "--model_dir", "output_inference/pico_fake",
            "--image_file", "demo.jpg", "--device", "GPU", "--run_benchmark", "True")
    _, found = _run(checkout, *base, "--run_mode", "trt_fp16")
    assert "--run_mode=trt_int8" in _one(found, "QF985")["message"]
    assert _outcome(checkout, *base, "--run_mode", "trt_int8") == (0, [])
    plain = [t if t != "output_inference/pico_fake" else "output_inference/pico_float"
             for t in base]
    assert _outcome(checkout, *plain, "--run_mode", "trt_fp16") == (0, [])


def test_include_nms_against_the_fetches(checkout: Path) -> None:
    raw = ("python", "deploy/auto_compression/test_det.py", "--model_path",
           "output_inference/ppyoloe_raw", "--reader_config", "configs/reader.yml")
    finding = _one(_run(checkout, *raw)[1], "QF986")
    assert "--include_nms=False" in finding["message"]
    code, codes = _outcome(checkout, *raw, "--include_nms", "False")
    assert "QF986" not in codes and (code, codes) == (1, ["QF980", "QF988"])
    # release-2.6: type=bool, so --include_nms=False is True, and only `--include_nms=` works
    old = ("python", "release/deploy/auto_compression/paddle_inference_eval.py",
           "--model_path", "output_inference/ppyoloe_raw")
    _, found = _run(checkout, *old, "--include_nms=False")
    assert {"QF981", "QF986"} <= _codes(found)
    assert "--include_nms=" in _one(found, "QF986")["message"]
    assert _outcome(checkout, *old, "--include_nms=") == (1, ["QF988"])
    # an export with NMS evaluated as raw predictions
    _, found = _run(checkout, "python", "deploy/auto_compression/test_det.py", "--model_path",
                    "output_inference/pico_float", "--include_nms", "False")
    assert "QF986" in _codes(found)


def test_infer_on_an_export_without_post_processing(checkout: Path) -> None:
    def infer(model: str, script: str = "deploy/python/infer.py") -> tuple[int, list[str]]:
        return _outcome(checkout, "python", script, "--model_dir", f"output_inference/{model}",
                        "--image_file", "demo.jpg")

    assert infer("ppyoloe_raw") == (1, ["QF987"])
    assert infer("pico_benchmark") == (0, [])  # arch PicoDet: DetectorPicoDet's own NMS
    assert infer("pico_float") == (0, [])


def test_scripts_that_open_model_pdmodel(checkout: Path) -> None:
    def run(script: str, flag: str) -> tuple[int, list[str]]:
        return _outcome(checkout, "python", script, flag, "output_inference/pico_float")

    assert run("deploy/python/infer.py", "--model_dir") == (0, [])  # develop: prefix
    assert run("release/deploy/python/infer.py", "--model_dir") == (1, ["QF988"])
    assert run("deploy/auto_compression/test_det.py", "--model_path") == (1, ["QF988"])
    assert run("release/deploy/auto_compression/paddle_inference_eval.py",
               "--model_path") == (1, ["QF988"])


def test_export_model_with_a_config_setting_as_a_flag(checkout: Path) -> None:
    code, found = _run(checkout, "python", "tools/export_model.py", "-c", PICODET,
                       "--trt=True", "-o", "weights=output/model_final.pdparams")
    finding = _one(found, "QF980")
    assert code == 1 and "unrecognized arguments: --trt=True" in finding["message"]
    assert "-o weights=output/model_final.pdparams trt=True" in finding["message"]


def test_what_is_not_checked_is_said(checkout: Path) -> None:
    code, found = _run(checkout, "python", "deploy/python/infer.py", "--model_dir",
                       "output_inference/not_exported", "--run_mode", "trt_int8")
    assert code == 0 and _codes(found) == {"QF989"}
    assert "does not exist" in found[0]["message"]
    _, found = _run(checkout, "python", "nowhere/infer.py", "--model_dir",
                    "output_inference/pico_float")
    assert "its flags were not read" in _one(found, "QF989")["message"]


@pytest.mark.paddle2onnx
def test_paddle2onnx_itself_stops_on_the_fake_quant_export(checkout: Path) -> None:
    """QF982's claim, run: Paddle2ONNX aborts on the fake-quant program for its operators, and
    not for them on the float program of the same network (paddle2onnx 2.1.0 then stops in its
    PIR parser on this paddle, for a reason of its own)."""
    converter = require_executable("paddle2onnx")

    def convert(model: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([converter, "--model_dir", f"output_inference/{model}",
                               "--model_filename", "model.json", "--params_filename",
                               "model.pdiparams", "--save_file", f"{model}.onnx"],
                              cwd=checkout, capture_output=True, text=True, timeout=600)

    fake = convert("pico_fake")
    assert fake.returncode != 0
    assert "Due to the unsupported operators, the conversion is aborted" in fake.stdout + fake.stderr
    plain = convert("pico_float")
    assert "unsupported operators" not in plain.stdout + plain.stderr
    # qatfix, with the installed converter's own parser
    _, found = _run(checkout, "paddle2onnx", "--model_dir", "output_inference/pico_fake",
                    "--model_filename", "model.json", "--save_file", "x.onnx")
    assert "QF982" in _codes(found) and "QF989" not in _codes(found)
    _, found = _run(checkout, "paddle2onnx", "--model_dir", "output_inference/pico_fake",
                    "--model_filename", "model.json", "--save_file", "x.onnx",
                    "--enable_onnx_checker", "Flase")
    assert "QF980" in _codes(found)  # ast.literal_eval stops on a misspelt word
