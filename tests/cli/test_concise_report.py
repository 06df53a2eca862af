"""The report a person reads: one line a finding with its key figure, the fix on one more line,
folder scans grouped by file with repeated infos folded, `--statistics`, one finding per fact,
one severity per situation, every finding in every format, and the usage papercuts.

Every test runs qatfix in a fresh process on the real PaddleDetection develop tree (skipped
when ../shared is absent; read only: nothing here writes).
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from qatfix.rules import all_rules
from qatfix.run.progress import fit_line
from tests.conftest import require, tree

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
LCNET_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams"
HEADLINE = ("-c", MODEL, "--slim_config", SLIM)


def qatfix(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qatfix", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})


def lengths(text: str) -> list[int]:
    return [len(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def develop_tree() -> Path:
    return tree("develop")


@pytest.fixture(scope="module")
def folder_scan(develop_tree: Path) -> subprocess.CompletedProcess[str]:
    return qatfix("configs/", cwd=develop_tree)


@pytest.fixture(scope="module")
def folder_json(develop_tree: Path) -> dict:
    return json.loads(qatfix("configs/", "--format", "json", cwd=develop_tree).stdout)


# -- the headline check --------------------------------------------------------------------------

def test_the_headline_check_is_one_line_a_finding_and_one_for_its_fix(develop_tree: Path) -> None:
    done = qatfix(*HEADLINE, cwd=develop_tree)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (f"{SLIM}:1:1: error QF101 pretrain_weights picodet_s_320_coco have "
                        "backbone ESNet, the model LCNet: 140 of 463 tensors load")
    # the shared slim file is left to the run it was written for: the fix is a new one
    assert lines[1] == ("    fix (safe): Use picodet_s_320_coco_lcnet (LCNet(scale 0.75), 320x320, "
                        "coco) in a new slim file picodet_s_320_coco_lcnet_qat.yml (-v: the command; "
                        "3 other fixes)")
    assert re.fullmatch(rf"{SLIM}:2:1: info QF501 the QAT checkpoint stays float32 \(5\.0 MB\); "
                        r"int8 \(1\.5 MB\) comes from export", lines[2])
    assert lines[3] == "1 error, 0 warnings, 1 info; 1 fixable with --apply"
    assert len(lines) == 4
    # was 2,146 bytes in 11 lines, the longest 575 characters
    # the fix line names the new slim file the safe fix writes: 164 characters
    assert len(done.stdout) < 600 and max(lengths(done.stdout)) < 170


def test_the_detail_comes_with_show_fixes(develop_tree: Path) -> None:
    for flag in ("-v", "--show-fixes", "--verbose"):
        out = qatfix(*HEADLINE, flag, cwd=develop_tree).stdout
        assert "backbone: 0 of 143 load; neck: 55 of 135 load; head: 85 of 185 load" in out
        assert "safe because: the official float model of exactly this network" in out
        assert out.count("alternative (unsafe):") == 3
        assert "is also used with configs/picodet/legacy_model/picodet_s_320_coco.yml" in out
        assert ("(then run python tools/train.py -c configs/picodet/picodet_s_320_coco_lcnet.yml "
                "--slim_config configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml)") in out
        assert "1,249,528 values in the state dict" in out


def test_machine_formats_keep_every_field(develop_tree: Path) -> None:
    doc = json.loads(qatfix(*HEADLINE, "--format", "json", cwd=develop_tree).stdout)
    qf101 = next(f for f in doc["findings"] if f["code"] == "QF101")
    assert qf101["headline"].endswith("140 of 463 tensors load")
    assert "backbone: 0 of 143 load" in qf101["message"]
    assert len(qf101["alternatives"]) == 3 and qf101["fix"]["reason"]
    assert qf101["fix"]["command"].endswith("--slim_config "
                                            "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml")
    in_place = qf101["alternatives"][0]
    assert "is also used with" in in_place["note"] and "; note: " in in_place["title"]
    github = qatfix(*HEADLINE, "--format", "github", cwd=develop_tree).stdout
    assert "backbone: 0 of 143 load" in github


def test_lines_wrap_to_the_terminal_and_never_cut_a_path(develop_tree: Path) -> None:
    pexpect = require("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "qatfix", *HEADLINE], cwd=str(develop_tree),
                          env={**os.environ, "NO_COLOR": "1"}, dimensions=(40, 60),
                          encoding="utf-8", timeout=120)
    child.expect(pexpect.EOF)
    out = child.before.replace("\r\n", "\n")
    lines = [line for line in out.splitlines() if line]
    assert all(len(line) <= 60 for line in lines if SLIM not in line), lines
    assert any(line.startswith(f"{SLIM}:1:1: error") for line in lines)  # the path is whole
    flat = " ".join(line.strip() for line in lines)
    assert "140 of 463 tensors load" in flat and "fix (safe): Use picodet_s_320_coco_lcnet" in flat


# -- folder scans --------------------------------------------------------------------------------

def test_a_folder_scan_is_grouped_by_file_and_folds_repeated_infos(
        folder_scan: subprocess.CompletedProcess[str], folder_json: dict) -> None:
    out = folder_scan.stdout
    lines = out.splitlines()
    # was 333 lines and 64 KB for 168 findings
    assert len(lines) < 150 and len(out) < 15_000 and max(lengths(out)) < 160
    assert statistics.median(lengths(out)) < 110
    headers = [line for line in lines[:-1] if not line.startswith(" ") and " configs: " not in line]
    assert len(headers) == len(set(headers)) > 20  # each file once, as a header
    assert all(os.path.exists(Path(tree("develop")) / h) for h in headers)
    qf104 = [f for f in folder_json["findings"] if f["code"] == "QF104"]
    assert len(qf104) > 50
    assert (f"{len(qf104)} configs: info QF104 official weights of another class count: the "
            "class layers train from scratch, as intended for fine-tuning (-v lists them)") in lines
    assert " QF104 " not in "\n".join(line for line in lines if line.startswith("  "))
    assert "for 1 classes" not in out
    summary = lines[-1]
    recipe_starts = [f for f in folder_json["findings"] if f["code"] == "QF101"]
    assert summary.startswith(f"0 errors, ") and \
        f"(QF104 {len(qf104)}, QF101 {len(recipe_starts)}, QF201 " in summary


def test_verbose_lists_every_repeated_info(develop_tree: Path, folder_json: dict) -> None:
    out = qatfix("configs/", "-v", cwd=develop_tree).stdout
    qf104 = [f for f in folder_json["findings"] if f["code"] == "QF104"]
    assert out.count(" info QF104 ") == len(qf104)
    assert "6 class layers train from scratch for 1 class;" in out


def test_statistics_count_each_code_as_the_report_does(develop_tree: Path,
                                                       folder_json: dict) -> None:
    done = qatfix("configs/", "--statistics", cwd=develop_tree)
    rows = [line.split() for line in done.stdout.splitlines()[:-1]]
    counted = {row[1]: int(row[0]) for row in rows}
    wanted = Counter(f["code"] for f in folder_json["findings"])
    assert counted == dict(wanted)
    qf401 = next(row for row in rows if row[1] == "QF401")
    assert qf401[3:5] == [str(wanted["QF401"]), "fixable"]
    assert done.stdout.splitlines()[-1] == (
        f"{sum(wanted.values())} findings in {len(wanted)} codes; "
        f"{folder_json['summary']['fixable']} fixable with --apply")
    as_json = json.loads(qatfix("configs/", "--statistics", "--format", "json",
                               cwd=develop_tree).stdout)
    assert {row["code"]: row["count"] for row in as_json} == dict(wanted)
    assert as_json[0]["code"] == "QF104" and as_json[0]["summary"]


# -- one severity per code per situation ---------------------------------------------------------

def test_every_severity_a_report_prints_is_in_the_catalogue(folder_json: dict) -> None:
    rules = all_rules()
    for finding in folder_json["findings"]:
        assert finding["severity"] in rules[finding["code"]].severity_names(), finding


def test_explain_prints_the_severity_of_each_situation(develop_tree: Path) -> None:
    out = qatfix("explain", "QF103", cwd=develop_tree).stdout
    assert out.startswith("QF103 (error/warning)")
    assert "Severity:\n  error by default; warning for a local file in float training" in out
    listing = qatfix("explain", cwd=develop_tree).stdout
    assert re.search(r"^QF204  warning/info  ", listing, re.M)
    assert re.search(r"^QF401  warning  ", listing, re.M)


def test_a_report_uses_the_severity_explain_gives(develop_tree: Path) -> None:
    """QF201 on a float training run is a warning; in QAT it is an error, as explain says."""
    trained = json.loads(qatfix("-c", "configs/smrt/ppyoloe/ppyoloe_crn_l_300e_battery_1024.yml",
                                "--format", "json", cwd=develop_tree).stdout)
    assert {f["severity"] for f in trained["findings"] if f["code"] == "QF201"} == {"warning"}
    assert "error in QAT and PTQ" in qatfix("explain", "QF201", cwd=develop_tree).stdout


# -- one fact, one finding -----------------------------------------------------------------------

def test_the_size_note_is_for_training_runs_only(develop_tree: Path) -> None:
    export = qatfix("--format", "json", "python", "tools/export_model.py", "-c", MODEL,
                    "--slim_config", SLIM, "-o", f"weights={LCNET_URL}", cwd=develop_tree)
    assert export.returncode == 1, export.stderr
    # the export is judged (float weights with a QAT slim config), but has no size note
    assert sorted(f["code"] for f in json.loads(export.stdout)["findings"]) == ["QF902", "QF990"]
    trained = qatfix(*HEADLINE, "--format", "json", cwd=develop_tree)
    assert trained.returncode == 1, trained.stderr
    train = json.loads(trained.stdout)
    assert sorted(f["code"] for f in train["findings"]) == ["QF101", "QF501"]
    [size] = [f for f in train["findings"] if f["code"] == "QF501"]
    # from the signature ppdet built, as --deep computes them
    assert size["data"] == {"float32_bytes": 4_998_112, "int8_bytes": size["data"]["int8_bytes"]}
    assert 1_400_000 < size["data"]["int8_bytes"] < 1_600_000


# -- every format carries every finding ----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "rdjson"])
def test_a_yaml_error_in_the_slim_config_is_a_finding_in_every_format(
        tmp_path: Path, fmt: str) -> None:
    (tmp_path / "configs" / "slim").mkdir(parents=True)
    (tmp_path / "configs" / "model.yml").write_text("architecture: YOLOv3\nnum_classes: 3\n")
    (tmp_path / "configs" / "slim" / "quant.yml").write_text("slim: QAT\nQAT: [1, 2\n")
    done = qatfix("-c", "configs/model.yml", "--slim_config", "configs/slim/quant.yml",
                  "--format", fmt, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "QF000" in done.stdout and "quant.yml" in done.stdout
    assert done.stderr.startswith("qatfix: error: configs/slim/quant.yml:3:1: YAML syntax error")
    if fmt == "json":
        [finding] = json.loads(done.stdout)["findings"]
        assert finding["code"] == "QF000" and finding["location"]["line"] == 3


# -- papercuts -----------------------------------------------------------------------------------

def error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2 and done.stdout == "", (done.stdout, done.stderr)
    [line] = done.stderr.splitlines()
    return line


def test_a_mistyped_flag_gets_a_did_you_mean(develop_tree: Path) -> None:
    line = error_line(qatfix("-c", MODEL, "--slim-confg", SLIM, cwd=develop_tree))
    assert line.startswith("qatfix: error: unrecognized arguments: --slim-confg")
    assert "did you mean --slim-config?" in line and "qatfix: qatfix" not in line


def test_a_folder_as_slim_config_names_the_configs_in_it(develop_tree: Path) -> None:
    line = error_line(qatfix("-c", MODEL, "--slim_config", "configs/slim/quant/",
                             cwd=develop_tree))
    assert "--slim_config configs/slim/quant/ is a folder: name one config in it" in line
    assert "configs/slim/quant/picodet_s_quant.yml" in line


def test_a_yml_yaml_swap_is_suggested(develop_tree: Path) -> None:
    line = error_line(qatfix("-c", MODEL.replace(".yml", ".yaml"), "--slim_config", SLIM,
                             cwd=develop_tree))
    assert line.endswith(f"no such file; did you mean {MODEL}?")
    line = error_line(qatfix("-c", MODEL, "--slim_config", SLIM.replace("quant.yml", "qant.yml"),
                             cwd=develop_tree))
    assert line.endswith(f"did you mean {SLIM}?")


def test_registry_show_points_at_search(develop_tree: Path) -> None:
    done = qatfix("registry", "show", "picodet_s_320", cwd=develop_tree)
    assert done.returncode == 1
    assert "search by words with: qatfix registry search picodet s 320" in done.stderr
    assert "picodet_s_320_coco_lcnet" in qatfix("registry", "search", "picodet", "s", "320",
                                                cwd=develop_tree).stdout


def test_config_help_says_what_each_command_takes(develop_tree: Path) -> None:
    for command in (["resolve"], ["registry", "candidates"]):
        out = qatfix(*command, "--help", cwd=develop_tree).stdout
        assert "(or folder, for check)" not in out and re.search(r"CONFIG\s+config file\n", out)
    assert "config files or folders" in qatfix("--help", cwd=develop_tree).stdout


def test_command_line_options_print_as_options(develop_tree: Path) -> None:
    done = qatfix(*HEADLINE, "-o", f"pretrain_weights={LCNET_URL}", "-o", "use_gpu=false",
                  cwd=develop_tree)
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "<-o>" not in out
    assert "\n  -o: error QF405 -o pretrain_weights=" in out
    assert out.splitlines()[-1].startswith("2 errors, 0 warnings, 1 info")
    done = qatfix(*HEADLINE, "-o", f"pretrain_weights={LCNET_URL}", cwd=develop_tree)
    assert done.returncode == 1, done.stderr
    assert "<-o>" not in done.stdout
    assert "\n  -o option 1: error QF404 -o pretrain_weights has no effect" in done.stdout
    assert done.stdout.splitlines()[-1].startswith("2 errors, 0 warnings, 1 info")


def test_the_progress_line_never_cuts_a_file_name() -> None:
    text = ("--deep configs/picodet/legacy_model/application/pedestrian_detection/"
            "picodet_s_320_pedestrian.yml: importing paddle, building the model, reading weights...")
    for width in (120, 80, 60, 40):
        shown = fit_line(text, width)
        assert ".../picodet_s_320_pedestrian.yml:" in shown or shown == text
        assert len(shown) <= max(width, len("--deep .../picodet_s_320_pedestrian.yml: ...")), shown
        assert all(word in text or word in ("...",) or word.startswith(".../")
                   for word in shown.split())


def test_deepsort_configs_get_no_missing_weights_warning(folder_json: dict,
                                                         develop_tree: Path) -> None:
    """ppdet's Trainer refuses to train DeepSORT (its detector and ReID weights are
    `det_weights`/`reid_weights`), so `pretrain_weights: None` there is never loaded: no QF103.
    The pose3d configs naming a local file that is not there keep theirs."""
    qf103 = {f["config"] for f in folder_json["findings"] if f["code"] == "QF103"}
    assert not any("/deepsort/" in config for config in qf103), qf103
    assert any(config.startswith("configs/pose3d/") for config in qf103), qf103
    done = qatfix("configs/mot/deepsort/deepsort_ppyoloe_resnet.yml", "--format", "json",
                  cwd=develop_tree)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"] == []
