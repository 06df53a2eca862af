"""PaddleSlim's flat post-training quantization configs without an export (the model known by
its folder's name), and the corrected command that pasted deploy commands carry as their fix:
the qatfix CLI in fresh processes, on configs written in PaddleSlim's format in tmp folders."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from qatfix.cli.pasted import translate
from qatfix.config.kind import kind_of
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import tree

#: a config in the layout of PaddleSlim's example/post_training_quantization/detection/configs
PTQ = """input_list: ['image', 'scale_factor']
model_dir: ./picodet_s_416_coco_lcnet/
model_filename: model.pdmodel
params_filename: model.pdiparams
skip_tensor_list: None

metric: COCO
num_classes: 80

TrainDataset:
  !COCODataSet
    image_dir: train2017
    anno_path: annotations/instances_train2017.json
    dataset_dir: /data/coco/

EvalDataset:
  !COCODataSet
    image_dir: val2017
    anno_path: annotations/instances_val2017.json
    dataset_dir: /data/coco/

eval_height: &eval_height {height}
eval_width: &eval_width {width}
eval_size: &eval_size [*eval_height, *eval_width]

worker_num: 0

EvalReader:
  inputs_def:
    image_shape: [1, 3, *eval_height, *eval_width]
  sample_transforms:
  - Decode: {{}}
  - Resize: {{interp: 2, target_size: *eval_size, keep_ratio: False}}
  - NormalizeImage: {{is_scale: true, mean: [0.485,0.456,0.406], std: [0.229, 0.224,0.225]}}
  - Permute: {{}}
  batch_size: 16
"""


def _folder(tmp_path: Path, height: str = "416", width: str = "416") -> Path:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "picodet_s_ptq.yaml").write_text(
        PTQ.format(height=height, width=width))
    return tmp_path


def test_a_flat_ptq_config_is_an_act_run_and_not_a_set_of_dropped_sections(
        tmp_path: Path) -> None:
    root = _folder(tmp_path)
    config = root / "configs" / "picodet_s_ptq.yaml"
    assert kind_of(str(config)) == "act"
    code, found = findings(str(config), cwd=tmp_path.parent)
    # nothing reported of EvalReader, TrainDataset, ... as PaddleSlim strategy sections
    assert not [f for f in found if f["code"].startswith("QF97")]
    assert code == 0 and codes(found) == ["QF952", "QF960"], found
    exported = next(f for f in found if f["code"] == "QF960")
    assert "does not exist yet" in exported["message"] and "(input_list)" in exported["message"]
    assert exported["location"]["line"] == 2
    # named alone it runs from the folder above configs/, as the pasted command from there
    pasted_code, pasted = findings("python", "post_quant.py",
                                   "--config_path=./configs/picodet_s_ptq.yaml",
                                   "--save_dir=./picodet_s_ptq", cwd=root)
    assert pasted_code == code and [(f["code"], f["location"]["line"], f["message"])
                                    for f in pasted] == \
        [(f["code"], f["location"]["line"], f["message"]) for f in found]


def test_the_reader_size_against_the_model_its_folder_names(tmp_path: Path) -> None:
    root = _folder(tmp_path, "320", "320")
    code, found = findings("python", "post_quant.py", "--config_path",
                           "configs/picodet_s_ptq.yaml", cwd=root)
    size = [f for f in found if f["code"] == "QF951"]
    assert code == 1 and len(size) == 1 and size[0]["severity"] == "warning"
    assert "resizes to 320x320" in size[0]["message"] and "takes 416x416" in size[0]["message"]
    assert "post_quant.py calibrates on configs/picodet_s_ptq.yaml's own EvalReader" \
        in size[0]["message"]
    assert size[0]["location"]["line"] == 22 and size[0]["fix"] is None


def test_an_empty_anchor_is_a_size_not_checked(tmp_path: Path) -> None:
    """PaddleSlim's yolov3 PTQ config leaves `eval_width: &eval_width` empty (None)."""
    root = _folder(tmp_path, "608", "")
    code, found = findings("configs/picodet_s_ptq.yaml", cwd=root)
    size = [f for f in found if f["code"] == "QF951"]
    assert code == 0 and size and size[0]["severity"] == "info"
    assert "not checked" in size[0]["message"]


def test_a_reader_named_with_a_flat_config_is_not_its_reader(tmp_path: Path) -> None:
    """post_quant.py builds its reader from the flat config alone: a reader config named
    beside it is said not to be read, and the run is the config's own."""
    root = _folder(tmp_path)
    config = root / "configs" / "picodet_s_ptq.yaml"
    text = config.read_text()
    (root / "configs" / "reader_320.yml").write_text(
        text[text.index("metric:"):].replace("416", "320"))
    code, found = findings("configs/picodet_s_ptq.yaml", "configs/reader_320.yml", cwd=root)
    assert [f for f in found if f["code"] == "QF951"] == []  # the config's own 416 reader
    note = [f for f in found if f["code"] == "QF002"]
    assert len(note) == 1 and note[0]["location"]["path"] == "configs/reader_320.yml"
    assert "post_quant.py" in note[0]["message"] and "run.py" not in note[0]["message"]
    alone = findings("configs/picodet_s_ptq.yaml", cwd=root)[1]
    assert [f for f in found if f["code"] != "QF002"] == alone


def test_ppdets_own_scripts_keep_their_steps() -> None:
    assert translate(["python", "tools/post_quant.py", "-c", "m.yml", "--slim_config",
                      "p.yml"])[:3] == ["check", "--step", "post_quant"]
    assert "eval" in translate(["python", "tools/eval.py", "-c", "m.yml"])
    act = translate(["python", "post_quant.py", "--config_path", "configs/x.yaml"])
    assert act[:3] == ["check", "--step", "act"] and act[-2:] == ["-c", "configs/x.yaml"]
    act = translate(["python", "eval.py", "--act_config_path=configs/x.yaml"])
    assert act[:3] == ["check", "--step", "act"] and act[-2:] == ["-c", "configs/x.yaml"]


def test_a_deploy_finding_carries_its_corrected_command(tmp_path: Path) -> None:
    """release-2.6's paddle_inference_eval.py declares --include_nms type=bool: `False` is
    True; the fix is the command that gives it False, in JSON, SARIF and -v, and --apply
    prints it and writes nothing."""
    script = tree("release-2.6") / "deploy" / "auto_compression" / "paddle_inference_eval.py"
    shutil.copy(script, tmp_path / "paddle_inference_eval.py")
    command = ("python", "paddle_inference_eval.py", "--model_path", "m",
               "--reader_config", "r.yml", "--include_nms=False")
    _, found = findings(*command, cwd=tmp_path)
    hit = [f for f in found if f["code"] == "QF981"]
    want = ("python paddle_inference_eval.py --model_path m --reader_config r.yml "
            "--include_nms=")
    assert len(hit) == 1 and hit[0]["fix"]["command"] == want
    assert hit[0]["fix"]["safety"] == "safe" and hit[0]["fix"]["edits"] == []
    assert hit[0]["fix"]["reason"]
    summary = json.loads(qatfix("--format", "json", *command, cwd=tmp_path).stdout)["summary"]
    assert summary["fixable"] == 0  # a command writes nothing
    sarif = json.loads(qatfix("--format", "sarif", *command, cwd=tmp_path).stdout)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "QF981")
    assert "fixes" not in result
    assert result["properties"]["commands"] == [{
        "description": hit[0]["fix"]["title"].split(" (then run ")[0], "command": want,
        "safety": "safe", "reason": hit[0]["fix"]["reason"]}]
    verbose = qatfix("-v", *command, cwd=tmp_path)
    assert f"(then run {want})" in verbose.stdout and "safe because:" in verbose.stdout
    before = sorted(p.name for p in tmp_path.iterdir())
    applied = qatfix("--apply", *command, cwd=tmp_path)
    assert applied.returncode == 1
    assert f"run instead: {want}" in applied.stderr
    assert "not applied" not in applied.stderr and "applied 1" not in applied.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
