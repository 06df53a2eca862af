"""ACT runs through the CLI in fresh processes: the shared trees' configs with their documented
readers, the 320 model with the 416 reader, and each failure on a copy of a real config."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.after.helpers import NOT_EXPORTED, checked, clean, codes, findings, qatfix
from tests.conftest import tree

ACT = Path("deploy") / "auto_compression"

#: develop's ACT configs and the reader each is run with: the README's commands
#: (ppyoloe_l_qat_dis.yaml + ppyoloe_reader.yml, rtdetr_* + rtdetr_reader.yml), the config's own
#: Global.reader_config, else the reader of its family in the same folder
DEVELOP_READERS = {
    "dino_r50_4scale_1x_qat_dis.yaml": "dino_reader.yml",
    "dino_r50_4scale_2x_qat_dis.yaml": "dino_reader.yml",
    "picodet_s_320_lcnet_qat_dis.yaml": "picodet_320_reader.yml",
    "picodet_s_qat_dis.yaml": "picodet_416_reader.yml",
    "ppyoloe_crn_l_80e_sliced_visdrone_640_025_qat.yml":
        "ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml",
    "ppyoloe_l_qat_dis.yaml": "ppyoloe_reader.yml",
    "ppyoloe_plus_crn_t_auxhead_300e_coco_qat.yml": "ppyoloe_plus_reader.yml",
    "ppyoloe_plus_l_qat_dis.yaml": "ppyoloe_plus_reader.yml",
    "ppyoloe_plus_m_qat_dis.yaml": "ppyoloe_plus_reader.yml",
    "ppyoloe_plus_s_qat_dis.yaml": "ppyoloe_plus_reader.yml",
    "ppyoloe_plus_sod_crn_l_qat_dis.yaml": "ppyoloe_plus_reader.yml",
    "ppyoloe_plus_x_qat_dis.yaml": "ppyoloe_plus_reader.yml",
    "rtdetr_hgnetv2_l_qat_dis.yaml": "rtdetr_reader.yml",
    "rtdetr_hgnetv2_x_qat_dis.yaml": "rtdetr_reader.yml",
    "rtdetr_r101vd_qat_dis.yaml": "rtdetr_reader.yml",
    "rtdetr_r50vd_qat_dis.yaml": "rtdetr_reader.yml",
    "yolov5_s_qat_dis.yml": "yolov5_reader.yml",
    "yolov6mt_s_qat_dis.yaml": "yolov5_reader.yml",
    "yolov7_l_qat_dis.yaml": "yolov5_reader.yml",
    "yolov8_s_qat_dis.yaml": "yolov8_reader.yml",
}


def _act_configs(root: Path) -> list[str]:
    folder = root / ACT / "configs"
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix in (".yml", ".yaml") and "reader" not in p.name)


def test_develop_table_covers_every_act_config() -> None:
    assert sorted(DEVELOP_READERS) == _act_configs(tree("develop"))


@pytest.mark.parametrize("name", sorted(DEVELOP_READERS))
def test_develop_act_configs_with_their_readers_raise_no_error(name: str) -> None:
    run_dir = tree("develop") / ACT
    code, found = findings("python", "run_det.py", "--config",
                           f"configs/{DEVELOP_READERS[name]}", "--act_config_path",
                           f"configs/{name}", cwd=run_dir)
    assert code == 0, found
    assert not [f for f in found if f["severity"] != "info"], found
    # what was not checked is said: only models unknown to the registry (PaddleYOLO's)
    assert set(codes(found)) <= {"QF960"}
    if name.startswith(("picodet", "ppyoloe", "rtdetr", "dino")):
        # known by its folder's name: only the note that it is not exported yet
        assert checked(found) == [] and len(found) == 1, found


def test_release26_act_configs_with_their_reader_config_raise_no_error() -> None:
    root = tree("release-2.6")
    run_dir = root / ACT
    names = _act_configs(root)
    assert len(names) == 13
    for name in names:
        code, found = findings("python", "run.py", "--config_path", f"configs/{name}",
                               cwd=run_dir)
        assert code == 0, (name, found)
        assert set(codes(found)) <= {"QF960"}, (name, found)


def test_act_config_alone_is_recognised_and_checked() -> None:
    run_dir = tree("develop") / ACT
    code, found = findings("configs/picodet_s_320_lcnet_qat_dis.yaml", cwd=run_dir)
    assert code == 0
    assert codes(found) == ["QF950", "QF960"]
    assert "picodet_320_reader.yml" in found[0]["message"]
    assert NOT_EXPORTED in found[1]["message"]
    # release-2.6: the ACT config names its reader, so alone it is the whole run
    assert clean(findings("configs/picodet_s_qat_dis.yaml", cwd=tree("release-2.6") / ACT))


def test_320_model_with_the_416_reader_is_an_error_with_the_320_reader_as_fix() -> None:
    run_dir = tree("develop") / ACT
    done = qatfix("python", "run_det.py", "--config", "configs/picodet_416_reader.yml",
                  "--act_config_path", "configs/picodet_s_320_lcnet_qat_dis.yaml", cwd=run_dir)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    at = lines.index("configs/picodet_416_reader.yml")  # grouped by file
    size = lines[at + 1]
    assert size.startswith("  19:1: error QF951")
    assert "416x416" in size and "320x320" in size
    assert size.endswith("; run with --config configs/picodet_320_reader.yml")
    detail = qatfix("-v", "python", "run_det.py", "--config", "configs/picodet_416_reader.yml",
                    "--act_config_path", "configs/picodet_s_320_lcnet_qat_dis.yaml",
                    cwd=run_dir).stdout
    assert ("run instead: python run_det.py --config configs/picodet_320_reader.yml "
            "--act_config_path configs/picodet_s_320_lcnet_qat_dis.yaml") in detail
    # the 416 reader also normalizes as mean 0 / std 1, the LCNet model expects ImageNet's
    assert " error QF952 " in done.stdout
    assert clean(findings("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
                          "--act_config_path", "configs/picodet_s_320_lcnet_qat_dis.yaml",
                          cwd=run_dir))


@pytest.fixture
def act_copy(tmp_path: Path) -> Path:
    """A copy of develop's deploy/auto_compression inside a PaddleDetection-like tree (its
    configs folder with the model configs the registry names)."""
    source = tree("develop")
    root = tmp_path / "PaddleDetection"
    shutil.copytree(source / ACT / "configs", root / ACT / "configs")
    shutil.copytree(source / "configs", root / "configs")
    (root / "ppdet").mkdir()
    for path in root.rglob("*"):  # the shared trees are read-only
        path.chmod(path.stat().st_mode | 0o200)
    return root / ACT


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_reader_config_of_another_size_is_fixed_in_the_act_config(act_copy: Path) -> None:
    act = act_copy / "configs" / "picodet_s_320_lcnet_qat_dis.yaml"
    _edit(act, "Global:\n", "Global:\n  reader_config: configs/picodet_416_reader.yml\n")
    code, found = findings("python", "run.py", "--config_path", "configs/" + act.name,
                           cwd=act_copy)
    assert code == 1 and codes(found) == ["QF951", "QF952", "QF960"]
    assert found[0]["fix"]["title"] == "Use the reader configs/picodet_320_reader.yml"
    applied = qatfix("configs/" + act.name, "--apply", cwd=act_copy)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "reader_config: configs/picodet_320_reader.yml" in act.read_text()
    assert clean(findings("configs/" + act.name, cwd=act_copy))


def test_old_strategy_names_are_renamed(act_copy: Path) -> None:
    act = act_copy / "configs" / "ppyoloe_l_qat_dis.yaml"
    _edit(act, "QuantAware:", "Quantization:")
    _edit(act, "  alpha: 1.0", "  distill_lambda: 1.0")
    _edit(act, "  loss: soft_label", "  distill_loss: soft_label\n  distill_node_pair: [a, b]")
    code, found = findings("configs/" + act.name, cwd=act_copy)
    assert code == 1
    assert codes(checked(found)) == ["QF950", "QF971", "QF972", "QF972", "QF972"]
    by_key = {f["message"].split(" ")[0]: f for f in found}
    assert by_key["Quantization"]["fix"]["safety"] == "safe"
    assert by_key["Distillation.distill_node_pair"]["fix"] is None
    qatfix("configs/" + act.name, "--apply", cwd=act_copy)
    text = act.read_text()
    assert "QuantAware:" in text and "  alpha: 1.0" in text and "  loss: soft_label" in text
    code, found = findings("configs/" + act.name, cwd=act_copy)
    assert codes(checked(found)) == ["QF950", "QF972"]  # the node pairs are left to the user


def test_unknown_strategy_key_is_a_type_error(act_copy: Path) -> None:
    act = act_copy / "configs" / "ppyoloe_l_qat_dis.yaml"
    _edit(act, "  use_pact: true", "  use_pact: true\n  weight_bit: 8")
    code, found = findings("configs/" + act.name, cwd=act_copy)
    assert code == 1 and "QF970" in codes(found)
    finding = next(f for f in found if f["code"] == "QF970")
    assert "unexpected keyword argument 'weight_bit'" in finding["message"]
    assert finding["fix"]["title"] == "Rename QuantAware.weight_bit to weight_bits"
    assert finding["fix"]["safety"] == "unsafe"


def _exported(folder: Path, *, normalize: bool, size: int = 640, labels: int = 80,
              program: str = "model.json") -> None:
    folder.mkdir(parents=True)
    preprocess = [f"- {{type: Resize, interp: 2, keep_ratio: false, target_size: [{size}, "
                  f"{size}]}}"]
    if normalize:
        preprocess.append("- {type: NormalizeImage, is_scale: true, mean: [0.485, 0.456, "
                          "0.406], std: [0.229, 0.224, 0.225]}")
    preprocess.append("- {type: Permute}")
    label_list = "\n".join(f"- c{i}" for i in range(labels))
    (folder / "infer_cfg.yml").write_text(
        "mode: paddle\ndraw_threshold: 0.5\nmetric: COCO\nuse_dynamic_shape: false\n"
        "arch: YOLO\nmin_subgraph_size: 3\nPreprocess:\n" + "\n".join(preprocess)
        + f"\nlabel_list:\n{label_list}\n")
    (folder / program).write_text("{}")
    (folder / "model.pdiparams").write_bytes(b"")


def test_exported_model_files_and_fused_normalization(act_copy: Path) -> None:
    # ppyoloe_crn_l_80e_sliced_visdrone: exported with fuse_normalize, 10 classes
    model = act_copy / "../../output_inference/ppyoloe_crn_l_80e_sliced_visdrone_640_025"
    _exported(model.resolve(), normalize=False, labels=10)
    act = "configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_qat.yml"
    reader = "configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml"
    code, found = findings("python", "run_det.py", "--config", reader, "--act_config_path", act,
                           cwd=act_copy)
    assert codes(found) == ["QF961"]  # paddle 3 wrote model.json, the config says model.pdmodel
    assert found[0]["fix"]["title"] == "Set Global.model_filename to model.json"
    # a reader that normalizes again, and counts other classes
    other = act_copy / "configs" / "ppyoloe_reader.yml"
    code, found = findings("python", "run_det.py", "--config", "configs/ppyoloe_reader.yml",
                           "--act_config_path", act, cwd=act_copy)
    assert codes(found) == ["QF952", "QF953", "QF961"]
    message = next(f["message"] for f in found if f["code"] == "QF952")
    assert "fuse_normalize" in message and "no NormalizeImage" in message
    assert other.exists()
    applied = qatfix("--apply", "python", "run_det.py", "--config", reader,
                     "--act_config_path", act, cwd=act_copy)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "model_filename: model.json" in (act_copy / act).read_text()


def test_include_nms_false_needs_arch_ppyoloe(act_copy: Path) -> None:
    act = act_copy / "configs" / "ppyoloe_crn_l_80e_sliced_visdrone_640_025_qat.yml"
    _edit(act, "include_nms: True", "include_nms: False")
    code, found = findings("configs/" + act.name, cwd=act_copy)
    assert code == 1 and "QF962" in codes(found)
    _edit(act, "arch: YOLO", "arch: PPYOLOE")
    code, found = findings("configs/" + act.name, cwd=act_copy)
    assert "QF962" not in codes(found)
    # still checked: what it could not check (the reader, the model not exported yet) is said
    assert code == 0 and codes(found) == ["QF950", "QF960"]


def test_missing_reader_is_one_line_and_exit_2() -> None:
    run_dir = tree("develop") / ACT
    done = qatfix("python", "run_det.py", "--config", "configs/no_such_reader.yml",
                  "--act_config_path", "configs/picodet_s_320_lcnet_qat_dis.yaml", cwd=run_dir)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no_such_reader.yml does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_folder_scan_checks_readers_through_the_act_configs_naming_them() -> None:
    run_dir = tree("release-2.6") / ACT
    code, found = findings("configs/", cwd=run_dir)
    assert code == 0
    assert "QF002" not in codes(found)  # every reader is some ACT config's reader_config
    # each of release-2.6's 13 ACT configs is checked; what is left to say is that its model
    # is not exported yet (known by its name, or not known at all: PaddleYOLO's)
    assert codes(found) == ["QF960"] * 13
    assert len({f["location"]["path"] for f in found}) == 13
    assert all("does not exist" in f["message"] for f in found)
    run_dir = tree("develop") / ACT
    code, found = findings("configs/", cwd=run_dir)
    unchecked = [f for f in found if f["code"] == "QF002"]
    assert unchecked and all("reader config" in f["message"] for f in unchecked)
    assert not [f for f in found if f["severity"] != "info"]


def test_a_paddle2_program_is_said_to_be_unread(act_copy: Path) -> None:
    model = act_copy / "../../output_inference/ppyoloe_crn_l_80e_sliced_visdrone_640_025"
    _exported(model.resolve(), normalize=False, labels=10, program="model.pdmodel")
    act = "configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_qat.yml"
    reader = "configs/ppyoloe_crn_l_80e_sliced_visdrone_640_025_reader.yml"
    code, found = findings("python", "run_det.py", "--config", reader, "--act_config_path", act,
                           cwd=act_copy)
    assert (code, codes(found)) == (0, ["QF960"])
    assert found[0]["severity"] == "info"
    assert "model.pdmodel" in found[0]["message"] and "unchecked" in found[0]["message"]
    assert found[0]["location"]["line"] == 8  # Global.model_filename


def test_a_ratio_keeping_resize_for_a_fixed_input_and_its_fix(act_copy: Path) -> None:
    reader = act_copy / "configs" / "picodet_320_reader.yml"
    _edit(reader, "keep_ratio: False", "keep_ratio: True")
    args = ("python", "run_det.py", "--config", "configs/picodet_320_reader.yml",
            "--act_config_path", "configs/picodet_s_320_lcnet_qat_dis.yaml")
    code, found = findings("--select", "QF95", *args, cwd=act_copy)
    assert code == 1 and codes(found) == ["QF951"]
    assert "keeping the aspect ratio" in found[0]["message"]
    assert found[0]["location"]["path"] == "configs/picodet_320_reader.yml"
    assert found[0]["fix"]["safety"] == "safe"
    applied = qatfix("--apply", "--select", "QF95", *args, cwd=act_copy)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "keep_ratio: False}" in reader.read_text()  # the file's own spelling
    assert findings("--select", "QF95", *args, cwd=act_copy) == (0, [])
    # a Pad to the size after the Resize gives one shape again (yolov8_reader.yml does that)
    _edit(reader, "keep_ratio: False}", "keep_ratio: True}\n  - Pad: {size: [320, 320]}")
    assert findings("--select", "QF95", *args, cwd=act_copy) == (0, [])
