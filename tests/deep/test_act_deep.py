"""`--deep` on PaddleSlim ACT runs: the exported program loaded by paddle itself, judged by the
same ACT rules as the static model.json read, through the CLI in a fresh process.

The PIR model is develop's PicoDet-S-320 LCNet exported by develop's ppdet (`run_dir`); the
legacy one a `model.pdmodel` that paddle 3.3.1 writes with `FLAGS_enable_pir_api=0`
(export_legacy.py), which the static path cannot read."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from qatfix.model.program import read_json
from tests.after.helpers import codes, findings, qatfix
from tests.conftest import require
from tests.deep.conftest import ACT, HERE
from tests.deep.export_legacy import INPUTS

EXPORT = "models/picodet_s_320_coco_lcnet"
READER = "configs/picodet_320_reader.yml"
LOADED_BY = "loaded by paddle "


def _act(run_dir: Path, name: str, *, model_dir: Optional[str] = None,
         model_filename: str = "model.json", input_list: Optional[str] = None) -> str:
    """develop's ACT config for the export, written as configs/NAME.yaml with another model_dir,
    model_filename or input_list; its path relative to run_dir."""
    text = (run_dir / ACT).read_text()
    text = text.replace("model_filename: model.pdmodel", f"model_filename: {model_filename}")
    if model_dir is not None:
        text = text.replace("model_dir: ./models/picodet_s_320_coco_lcnet/",
                            f"model_dir: {model_dir}")
    if input_list is not None:
        text = text.replace("Global:\n", f"Global:\n  input_list: {input_list}\n")
    path = run_dir / "configs" / f"{name}.yaml"
    path.write_text(text)
    return f"configs/{name}.yaml"


def _run_det(*args: str, act: str, run_dir: Path) -> tuple[int, list[dict[str, object]]]:
    """`qatfix [ARGS] python run_det.py --config READER --act_config_path ACT` from run_dir."""
    return findings(*args, "python", "run_det.py", "--config", READER, "--act_config_path", act,
                    cwd=run_dir)


@pytest.fixture(scope="session")
def legacy_dir(run_dir: Path) -> Path:
    """models/picodet_legacy/: the export's infer_cfg.yml beside a legacy model.pdmodel and
    model.pdiparams written by paddle.jit.save."""
    require("paddle")
    folder = run_dir / "models" / "picodet_legacy"
    folder.mkdir()
    env = {**os.environ, "FLAGS_enable_pir_api": "0"}
    done = subprocess.run([sys.executable, str(HERE / "export_legacy.py"), str(folder)],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    shutil.copy(run_dir / EXPORT / "infer_cfg.yml", folder / "infer_cfg.yml")
    return folder


def test_paddles_facts_agree_with_the_static_json_read(run_dir: Path) -> None:
    from qatfix.deep.act_program import read_program

    paddle = require("paddle")
    model = run_dir / EXPORT
    deep = read_program(str(model / "model.json"), str(model / "model.pdiparams"))
    static = read_json(str(model / "model.json"))
    assert static is not None
    assert list(deep.feeds.items()) == list(static.feeds.items())
    assert deep.fetches == static.fetches
    assert deep.ops == static.ops
    assert deep.has_nms and deep.gives_boxes_and_count
    assert deep.loaded_by == f"paddle {paddle.__version__}" and static.loaded_by == ""


def test_wrong_input_list_found_under_deep(run_dir: Path) -> None:
    act = _act(run_dir, "deep_input_list", input_list="[image, im_shape, scale_factor]")
    code, found = _run_det("--deep", act=act, run_dir=run_dir)
    assert code == 1 and codes(found) == ["QF963"], found
    message = str(found[0]["message"])
    assert "var im_shape not in this block" in message
    assert f"./models/picodet_s_320_coco_lcnet/model.json, {LOADED_BY}" in message
    applied = qatfix("--deep", "--apply", "python", "run_det.py", "--config", READER,
                     "--act_config_path", act, cwd=run_dir)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "input_list: [image, scale_factor]" in (run_dir / act).read_text()
    assert _run_det("--deep", act=act, run_dir=run_dir) == (0, [])


def test_deep_is_clean_on_the_right_config(run_dir: Path) -> None:
    act = _act(run_dir, "deep_clean")
    assert _run_det("--deep", act=act, run_dir=run_dir) == (0, [])
    code, found = findings("--deep", act, cwd=run_dir)  # the ACT config alone, as READMEs do
    assert code == 0 and codes(found) == ["QF950"], found  # only: give the reader


def test_deep_reads_the_program_the_model_filename_fix_names(run_dir: Path) -> None:
    act = _act(run_dir, "deep_pdmodel_name", model_filename="model.pdmodel",
               input_list="[image]")
    code, found = _run_det("--deep", act=act, run_dir=run_dir)
    assert code == 1 and codes(found) == ["QF961", "QF963"], found
    inputs = next(f for f in found if f["code"] == "QF963")
    assert "model.json, loaded by paddle" in str(inputs["message"])


def test_missing_model_dir_is_qf003_saying_so(run_dir: Path) -> None:
    act = _act(run_dir, "deep_no_export", model_dir="./models/not_exported_yet/")
    static = _run_det(act=act, run_dir=run_dir)
    code, found = _run_det("--deep", act=act, run_dir=run_dir)
    assert code == 2
    failed = [f for f in found if f["code"] == "QF003"]
    assert len(failed) == 1
    message = str(failed[0]["message"])
    assert "model_dir ./models/not_exported_yet/" in message
    assert "does not exist: there is no exported program for paddle to load" in message
    assert "architecture" not in message and "tools/export_model.py" in message
    assert [f for f in found if f["code"] != "QF003"] == static[1]  # the static ones are shown
    assert codes(static[1]) == ["QF960"]


def test_model_dir_without_a_program_is_qf003_saying_so(run_dir: Path, tmp_path: Path) -> None:
    folder = run_dir / "models" / "only_infer_cfg"
    folder.mkdir(exist_ok=True)
    shutil.copy(run_dir / EXPORT / "infer_cfg.yml", folder / "infer_cfg.yml")
    act = _act(run_dir, "deep_no_program", model_dir="./models/only_infer_cfg/")
    code, found = _run_det("--deep", act=act, run_dir=run_dir)
    assert code == 2
    failed = [f for f in found if f["code"] == "QF003"]
    assert len(failed) == 1, found
    assert ("holds no program file (model.json, model.pdmodel): there is nothing for paddle to "
            "load") in str(failed[0]["message"])
    assert "QF961" in codes(found)  # the static finding about the same folder is still shown


def test_legacy_pdmodel_feeds_and_fetches_come_from_the_file(legacy_dir: Path) -> None:
    from qatfix.deep.act_program import read_program

    facts = read_program(str(legacy_dir / "model.pdmodel"), str(legacy_dir / "model.pdiparams"))
    assert facts.feeds == INPUTS
    side = (320 - 3) // 2 + 1  # Conv2D(3, 4, 3, stride=2) on 320
    assert facts.fetches == ((-1, 4 * side * side), (-1, 2))
    assert {"conv2d", "feed", "fetch"} <= facts.ops and not facts.has_nms


def test_legacy_pdmodel_input_list_under_deep(run_dir: Path, legacy_dir: Path) -> None:
    act = _act(run_dir, "deep_legacy", model_dir="./models/picodet_legacy/",
               model_filename="model.pdmodel", input_list="[image, im_shape, scale_factor]")
    # the static path cannot read a protobuf program: it says nothing about the feeds
    assert _run_det("--select", "QF963", act=act, run_dir=run_dir) == (0, [])
    code, found = _run_det("--deep", "--select", "QF963", act=act, run_dir=run_dir)
    assert code == 1 and codes(found) == ["QF963"], found
    message = str(found[0]["message"])
    assert "inputs ['image', 'scale_factor']" in message
    assert f"./models/picodet_legacy/model.pdmodel, {LOADED_BY}" in message
    # the fix is verified with the program paddle loads (the static re-check cannot see it)
    applied = qatfix("--deep", "--select", "QF963", "--apply", "python", "run_det.py",
                     "--config", READER, "--act_config_path", act, cwd=run_dir)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "applied 1 fix" in applied.stderr
    assert "input_list: [image, scale_factor]" in (run_dir / act).read_text()
    assert _run_det("--deep", "--select", "QF963", act=act, run_dir=run_dir) == (0, [])


def test_fixes_are_verified_with_the_program_paddle_loads(run_dir: Path, legacy_dir: Path) -> None:
    """`--deep --apply` re-checks each fix with paddle's facts: on a legacy program the static
    re-check sees no QF963 at all, so it could not tell a fix that works from one that does not."""
    from qatfix.run.fixes import recheck

    act = _act(run_dir, "deep_legacy_recheck", model_dir="./models/picodet_legacy/",
               model_filename="model.pdmodel", input_list="[image, im_shape]")
    config = str(run_dir / act)
    assert "QF963" not in {f.code for f in recheck(config, None, (), {})}
    deep = [f for f in recheck(config, None, (), {}, deep=True) if f.code == "QF963"]
    assert len(deep) == 1 and "never fed" in deep[0].message and deep[0].fix is not None


def test_a_program_paddle_cannot_load_is_qf003_with_paddles_reason(run_dir: Path) -> None:
    folder = run_dir / "models" / "truncated"
    folder.mkdir(exist_ok=True)
    for name in ("infer_cfg.yml", "model.pdiparams"):
        shutil.copy(run_dir / EXPORT / name, folder / name)
    text = (run_dir / EXPORT / "model.json").read_text()
    (folder / "model.json").write_text(text[:len(text) // 2])  # an export cut short
    act = _act(run_dir, "deep_truncated", model_dir="./models/truncated/")
    code, found = _run_det("--deep", act=act, run_dir=run_dir)
    assert code == 2 and codes(found) == ["QF003"], found
    message = str(found[0]["message"])
    assert "load_inference_model cannot load ./models/truncated/model.json" in message
    assert "parse error" in message and "export the model again" in message


def test_legacy_pdmodel_outputs_are_judged_under_deep(run_dir: Path, legacy_dir: Path) -> None:
    """QF964 reads the same facts: the small legacy program fetches two 2-D outputs and no 1-D
    box count, which run_det.py's evaluation with include_nms: true cannot read."""
    act = _act(run_dir, "deep_legacy_outputs", model_dir="./models/picodet_legacy/",
               model_filename="model.pdmodel", input_list="[image, scale_factor]")
    code, found = findings("--select", "QF96", act, cwd=run_dir)
    assert (code, codes(found)) == (0, ["QF960"])  # statically: the program was not read
    assert "was not read" in str(found[0]["message"])
    code, found = findings("--deep", "--select", "QF96", act, cwd=run_dir)
    assert code == 1 and codes(found) == ["QF964"], found
    message = str(found[0]["message"])
    side = (320 - 3) // 2 + 1
    assert f"fetches [-1, {4 * side * side}], [-1, 2]" in message
    assert f"./models/picodet_legacy/model.pdmodel, {LOADED_BY}" in message
    assert "KeyError 'bbox_num'" in message
