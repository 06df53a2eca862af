"""PaddleSlim's flat post-training quantization configs (`post_quant.py --config_path X.yaml`:
model_dir, model_filename, params_filename, input_list and a ppdet reader in one file), written
in that format in a folder of their own and checked against PicoDet-S-320 LCNet exported by
develop's own ppdet (the session fixture `run_dir`), named alone and as pasted commands, each
in a fresh qatfix process."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.after.helpers import codes, findings, qatfix
from tests.conftest import require

IMAGENET = "{is_scale: true, mean: [0.485,0.456,0.406], std: [0.229, 0.224,0.225]}"
SCALED = "{mean: [0., 0., 0.], std: [1., 1., 1.], norm_type: none}"


def _ptq_config(model_dir: Path, *, size: int = 320, program: str = "model.json",
                inputs: str | None = "['image', 'scale_factor']",
                normalize: str = IMAGENET) -> str:
    """A config in the format of PaddleSlim's example/post_training_quantization/detection/
    configs (the reader inline, its size through anchors)."""
    head = f"input_list: {inputs}\n" if inputs is not None else ""
    return (f"{head}model_dir: {model_dir}\n"
            f"model_filename: {program}\n"
            "params_filename: model.pdiparams\n"
            "skip_tensor_list: None\n\n"
            "metric: COCO\nnum_classes: 80\n\n"
            "TrainDataset:\n  !COCODataSet\n    image_dir: train2017\n"
            "    anno_path: annotations/instances_train2017.json\n"
            "    dataset_dir: /data/coco/\n\n"
            "EvalDataset:\n  !COCODataSet\n    image_dir: val2017\n"
            "    anno_path: annotations/instances_val2017.json\n"
            "    dataset_dir: /data/coco/\n\n"
            f"eval_height: &eval_height {size}\n"
            f"eval_width: &eval_width {size}\n"
            "eval_size: &eval_size [*eval_height, *eval_width]\n\n"
            "worker_num: 0\n\n"
            "EvalReader:\n"
            "  inputs_def:\n"
            "    image_shape: [1, 3, *eval_height, *eval_width]\n"
            "  sample_transforms:\n"
            "  - Decode: {}\n"
            "  - Resize: {interp: 2, target_size: *eval_size, keep_ratio: False}\n"
            f"  - NormalizeImage: {normalize}\n"
            "  - Permute: {}\n"
            "  batch_size: 16\n")


@pytest.fixture
def ptq_dir(run_dir: Path, tmp_path: Path) -> Path:
    """A post_training_quantization/detection folder of one's own: configs/ for the test's
    config; the model is the export in the `run_dir` fixture."""
    (tmp_path / "configs").mkdir()
    return tmp_path


def _model(run_dir: Path) -> Path:
    return run_dir / "models" / "picodet_s_320_coco_lcnet"


def test_a_config_that_fits_the_export_is_clear(run_dir: Path, ptq_dir: Path) -> None:
    (ptq_dir / "configs" / "pico_ptq.yaml").write_text(_ptq_config(_model(run_dir)))
    assert findings("configs/pico_ptq.yaml", cwd=ptq_dir) == (0, [])
    assert findings("python", "post_quant.py", "--config_path=./configs/pico_ptq.yaml",
                    "--save_dir=./out", cwd=ptq_dir) == (0, [])


def test_the_shipped_416_reader_and_model_pdmodel_against_the_320_export(
        run_dir: Path, ptq_dir: Path) -> None:
    config = ptq_dir / "configs" / "pico_ptq.yaml"
    config.write_text(_ptq_config(_model(run_dir), size=416, program="model.pdmodel"))
    code, found = findings("python", "post_quant.py", "--config_path", "configs/pico_ptq.yaml",
                           cwd=ptq_dir)
    assert code == 1 and codes(found) == ["QF951", "QF961"]
    size = next(f for f in found if f["code"] == "QF951")
    assert size["severity"] == "error" and size["location"]["line"] == 22
    assert "resizes to 416x416" in size["message"] and "takes 320x320" in size["message"]
    assert "infer_cfg.yml" in size["message"] and "post_quant.py" in size["message"]
    files = next(f for f in found if f["code"] == "QF961")
    assert files["message"].startswith("model_filename is model.pdmodel")
    assert files["fix"]["safety"] == "safe" and files["location"]["line"] == 3
    # the same file named alone is the same run
    assert codes(findings("configs/pico_ptq.yaml", cwd=ptq_dir)[1]) == ["QF951", "QF961"]
    applied = qatfix("--apply", "configs/pico_ptq.yaml", cwd=ptq_dir)
    assert applied.returncode == 1, applied.stdout + applied.stderr
    assert "model_filename: model.json\n" in config.read_text()
    assert codes(findings("configs/pico_ptq.yaml", cwd=ptq_dir)[1]) == ["QF951"]


def test_normalization_against_the_export(run_dir: Path, ptq_dir: Path) -> None:
    (ptq_dir / "configs" / "pico_ptq.yaml").write_text(
        _ptq_config(_model(run_dir), normalize=SCALED))
    code, found = findings("configs/pico_ptq.yaml", cwd=ptq_dir)
    assert code == 1 and codes(found) == ["QF952"]
    assert "ImageNet mean/std" in found[0]["message"]
    assert found[0]["location"]["line"] == 28


def test_input_list_against_the_programs_feeds(run_dir: Path, ptq_dir: Path) -> None:
    config = ptq_dir / "configs" / "pico_ptq.yaml"
    config.write_text(_ptq_config(_model(run_dir), inputs="['image', 'im_shape', 'scale_factor']"))
    code, found = findings("configs/pico_ptq.yaml", cwd=ptq_dir)
    assert code == 1 and codes(found) == ["QF963"]
    assert found[0]["message"].startswith("input_list ['image', 'im_shape', 'scale_factor']")
    assert "var im_shape not in this block" in found[0]["message"]
    qatfix("--apply", "configs/pico_ptq.yaml", cwd=ptq_dir)
    assert findings("configs/pico_ptq.yaml", cwd=ptq_dir) == (0, [])


def test_a_missing_input_list_stops_post_quant(run_dir: Path, ptq_dir: Path) -> None:
    config = ptq_dir / "configs" / "pico_ptq.yaml"
    config.write_text(_ptq_config(_model(run_dir), inputs=None))
    code, found = findings("python", "post_quant.py", "--config_path", "configs/pico_ptq.yaml",
                           cwd=ptq_dir)
    assert code == 1 and codes(found) == ["QF963"]
    assert "KeyError 'input_list'" in found[0]["message"]
    assert "['image', 'scale_factor']" in found[0]["message"]
    qatfix("--apply", "configs/pico_ptq.yaml", cwd=ptq_dir)
    assert findings("configs/pico_ptq.yaml", cwd=ptq_dir) == (0, [])


def test_ppdets_load_config_reads_the_reader_qatfix_checks(run_dir: Path,
                                                           ptq_dir: Path) -> None:
    """post_quant.py builds its calibration reader with ppdet's load_config and
    create('EvalReader'): the size and the normalization qatfix reads are ppdet's."""
    require("ppdet")
    config = ptq_dir / "configs" / "pico_ptq.yaml"
    config.write_text(_ptq_config(_model(run_dir), size=416, normalize=SCALED))
    script = ("import sys\nfrom ppdet.core.workspace import load_config\n"
              "cfg = load_config(sys.argv[1])\n"
              "t = {list(d)[0]: list(d.values())[0] for d in cfg['EvalReader']['sample_transforms']}\n"
              "print(list(t['Resize']['target_size']), t['NormalizeImage']['norm_type'],\n"
              "      list(cfg['input_list']), cfg['model_filename'])\n")
    done = subprocess.run([sys.executable, "-c", script, str(config)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[-2] == "[416, 416] none ['image', 'scale_factor'] model.json"
    code, found = findings("configs/pico_ptq.yaml", cwd=ptq_dir)
    assert codes(found) == ["QF951", "QF952"]
    assert "resizes to 416x416" in found[0]["message"]


def test_deep_loads_the_program_a_flat_config_names(run_dir: Path, ptq_dir: Path) -> None:
    """With --deep, paddle loads model_dir/model_filename as post_quant.py's
    quant_post_static does, and the same rules judge its feeds."""
    require("paddle")
    (ptq_dir / "configs" / "pico_ptq.yaml").write_text(
        _ptq_config(_model(run_dir), inputs="['image', 'im_shape', 'scale_factor']"))
    code, found = findings("--deep", "configs/pico_ptq.yaml", cwd=ptq_dir)
    assert code == 1 and codes(found) == ["QF963"], found
    assert "loaded by paddle" in found[0]["message"]
