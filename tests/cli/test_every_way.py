"""However a user runs qatfix on the seed mistake, it is found; nothing unchecked passes as clean.

Every test runs the `qatfix` module in a fresh process, on a copy of the real PaddleDetection
develop tree's `configs/` (skipped when ../shared is absent).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, require
from tests.conftest import tree as tree_root

DEVELOP = SHARED / "develop"
MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
MODEL_416 = "configs/picodet/picodet_s_416_coco_lcnet.yml"
SLIM = "configs/slim/quant/picodet_s_quant.yml"
LEGACY_URL = "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams"
SEED_PAIR = f'pairs = [\n  ["{MODEL}", "{SLIM}"],\n]\n'
FORMATS = ("text", "json", "sarif", "github", "rdjson")


def qatfix(*argv: str, cwd: Path, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qatfix", *argv], cwd=cwd, capture_output=True,
                          text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    [line] = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert line.startswith("qatfix: error: ")
    return line


def copy_configs(root: Path) -> Path:
    tree_root("develop")
    # plain copies (the shared tree is read-only): tests may change them
    shutil.copytree(DEVELOP / "configs", root / "configs", copy_function=shutil.copyfile)
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only copy of develop's configs, no project file."""
    return copy_configs(tmp_path_factory.mktemp("develop"))


@pytest.fixture
def own_tree(tmp_path: Path) -> Path:
    """A copy a test may change (project file, extra files)."""
    return copy_configs(tmp_path / "develop")


def seed_error(out: str) -> None:
    """The seed mistake is reported: on a line of its own, or under its file's header when the
    report covers several files."""
    flat = f"{SLIM}:1:1: error QF101 pretrain_weights picodet_s_320_coco"
    grouped = f"{SLIM}\n  1:1: error QF101 pretrain_weights picodet_s_320_coco"
    assert flat in out or grouped in out


# -- a pasted command line ------------------------------------------------------------------------

@pytest.mark.parametrize("interpreter", [["python"], ["python3"], []])
def test_a_pasted_train_command_finds_the_seed_mistake(tree: Path, interpreter: list[str]) -> None:
    done = qatfix(*interpreter, "tools/train.py", "-c", MODEL, "--slim_config", SLIM, cwd=tree)
    assert done.returncode == 1, done.stderr
    seed_error(done.stdout)


def test_a_distributed_launch_with_qatfix_options_before_it(tree: Path) -> None:
    done = qatfix("--format", "json", "python", "-m", "paddle.distributed.launch", "--gpus",
                  "0,1", "tools/train.py", "-c", MODEL, "--slim_config", SLIM, "--eval", "--amp",
                  cwd=tree)
    assert done.returncode == 1, done.stderr
    codes = {(f["code"], f["location"]["path"], f["location"]["line"])
             for f in json.loads(done.stdout)["findings"]}
    assert ("QF101", SLIM, 1) in codes


def test_eval_and_export_load_weights_not_pretrain_weights(tree: Path) -> None:
    for script in ("tools/eval.py", "tools/export_model.py", "tools/infer.py"):
        done = qatfix("python", script, "-c", MODEL, "-o", f"weights={LEGACY_URL}", cwd=tree)
        assert done.returncode == 1, done.stderr
        assert "QF101 weights picodet_s_320_coco have backbone ESNet, the model LCNet: 140 of " \
               "463 tensors load" in done.stdout, script
    # the same value under pretrain_weights is what an eval run never loads: it is checked for
    # the `weights` it does load (the model config's own, not trained yet), and only for those
    done = qatfix("--format", "json", "python", "tools/eval.py", "-c", MODEL, "-o",
                  f"pretrain_weights={LEGACY_URL}", cwd=tree)
    assert done.returncode == 1, done.stderr
    [missing] = json.loads(done.stdout)["findings"]
    assert missing["code"] == "QF103" and missing["location"]["path"] == MODEL
    assert "weights: output/picodet_s_320_coco/best_model.pdparams does not exist" in \
        missing["message"]


def test_an_unknown_script_is_a_usage_error(tree: Path) -> None:
    line = one_error_line(qatfix("python", "tools/benchmark.py", "-c", MODEL, cwd=tree))
    assert "tools/train.py" in line


@pytest.mark.parametrize("order", ["model_first", "slim_first"])
def test_two_positional_files_are_one_run(tree: Path, order: str) -> None:
    files = [MODEL, SLIM] if order == "model_first" else [SLIM, MODEL]
    done = qatfix(*files, cwd=tree)
    assert done.returncode == 1, done.stderr
    seed_error(done.stdout)
    assert "QF001" not in done.stdout


# -- -o as ppdet parses it --------------------------------------------------------------------------

def test_a_second_o_group_replaces_the_first_and_is_reported(tree: Path) -> None:
    # qatfix's own options go before the pasted command; everything after it is the command's
    done = qatfix("--format", "json", "python", "tools/train.py", "-c", MODEL, "-o",
                  f"pretrain_weights={LEGACY_URL}", "-o", "use_gpu=false", cwd=tree)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    # the dropped group, and the one-GPU learning rate of the run as ppdet starts it
    assert sorted(f["code"] for f in findings) == ["QF305", "QF405"]
    [dropped] = [f for f in findings if f["code"] == "QF405"]
    assert dropped["message"].startswith(f"-o pretrain_weights={LEGACY_URL} is dropped")
    assert dropped["data"] == {"dropped": [f"pretrain_weights={LEGACY_URL}"],
                               "kept": ["use_gpu=false"]}
    # ppdet never sees the legacy weights, so there is no QF101 about them
    assert not any(f["code"] == "QF101" for f in findings)
    resolved = qatfix("resolve", "-c", MODEL, "-o", f"pretrain_weights={LEGACY_URL}", "-o",
                      "use_gpu=false", "--format", "json", cwd=tree)
    assert resolved.returncode == 0, resolved.stderr
    effective = json.loads(resolved.stdout)
    effective = effective.get("config", effective)
    assert effective["use_gpu"] is False
    assert effective["pretrain_weights"] != LEGACY_URL


@pytest.mark.paddle
def test_o_groups_match_ppdets_own_argument_parser(tree: Path) -> None:
    """ppdet's ArgsParser, run for real, keeps the same group qatfix keeps."""
    probe = ("import json, sys\nfrom ppdet.utils.cli import ArgsParser\n"
             "print(json.dumps(ArgsParser().parse_args(sys.argv[1:]).opt))\n")
    argv = ["-c", MODEL, "-o", "epoch=3", "TrainReader.batch_size=4", "-o", "use_gpu=false"]
    ppdet = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                           cwd=tree, timeout=300)
    assert ppdet.returncode == 0, ppdet.stderr.strip()[-500:]
    assert json.loads(ppdet.stdout.splitlines()[-1]) == {"use_gpu": False}
    done = qatfix("resolve", *argv, "--format", "json", cwd=tree)
    effective = json.loads(done.stdout)
    effective = effective.get("config", effective)
    assert effective["use_gpu"] is False and effective["epoch"] != 3


# -- usage errors with "did you mean" -------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_an_unknown_rule_code_is_refused(tree: Path, flag: str) -> None:
    line = one_error_line(qatfix(flag, "QF1O1", "-c", MODEL, "--slim_config", SLIM, cwd=tree))
    assert f"{flag}: unknown rule code 'QF1O1'; did you mean QF101?" in line


def test_known_prefixes_still_select(tree: Path) -> None:
    done = qatfix("--select", "QF1,QF501", "-c", MODEL, "--slim_config", SLIM, cwd=tree)
    assert done.returncode == 1 and "QF101" in done.stdout


def test_a_model_config_given_as_slim_config_is_refused(tree: Path) -> None:
    line = one_error_line(qatfix("-c", MODEL, "--slim_config", MODEL_416, cwd=tree))
    assert MODEL_416 in line and "no `slim:` key" in line and "did you mean -c?" in line


def test_a_mistyped_command_checks_nothing(tree: Path) -> None:
    done = qatfix("chek", "configs/", cwd=tree)
    assert one_error_line(done) == "qatfix: error: unknown command 'chek'; did you mean 'check'?"
    assert done.stdout == ""


def test_a_file_named_like_a_command_is_still_a_file(tmp_path: Path) -> None:
    (tmp_path / "chek").write_text("architecture: YOLOv3\n", encoding="utf-8")
    done = qatfix("--format", "json", "chek", cwd=tmp_path)
    # checked as a file, the way a config is: one that is no .yml is QF000, not a usage error
    assert done.returncode == 2, done.stderr
    assert "unknown command" not in done.stderr
    assert one_error_line(done) == ("qatfix: error: chek: only .yml and .yaml files are configs "
                                    "(ppdet asserts this)")
    report = json.loads(done.stdout)
    assert [(f["code"], f["location"]["path"]) for f in report["findings"]] == [("QF000", "chek")]
    assert report["summary"]["unchecked"] == 1


# -- files qatfix does not understand ---------------------------------------------------------------

FOREIGN = {
    "ocr.yml": ("Global:\n  use_gpu: true\nArchitecture:\n  model_type: rec\n", "PaddleOCR"),
    "cls.yml": ("Global:\n  epochs: 120\nArch:\n  name: ResNet50\n", "PaddleClas"),
    "seg.yml": ("model:\n  type: PPLiteSeg\ntrain_dataset:\n  type: Cityscapes\n", "PaddleSeg"),
    "other.yml": ("name: release\non: push\n", "not a PaddleDetection model or slim config"),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_foreign_files_are_named_as_not_checked_in_every_format(tmp_path: Path, fmt: str) -> None:
    for name, (text, _) in FOREIGN.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = qatfix("--format", fmt, *FOREIGN, cwd=tmp_path)
    assert "nothing was checked" in one_error_line(done)
    if fmt == "text":
        assert "all clear" not in done.stdout
        assert done.stdout.rstrip().endswith(f"{len(FOREIGN)} not checked")
    for name in FOREIGN:
        assert name in done.stdout
        assert "QF002" in done.stdout
    if fmt == "json":
        data = json.loads(done.stdout)
        kinds = {f["location"]["path"]: f["message"] for f in data["findings"]}
        for name, (_, kind) in FOREIGN.items():
            assert kind in kinds[name]
        assert data["summary"]["unchecked"] == len(FOREIGN)


def test_an_act_config_from_the_develop_tree_is_checked_and_says_what_it_could_not(
        tmp_path: Path) -> None:
    act = DEVELOP / "deploy" / "auto_compression" / "configs" / "picodet_s_qat_dis.yaml"
    tree_root("develop")
    assert act.is_file(), act
    shutil.copy(act, tmp_path / act.name)
    done = qatfix(act.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "QF002" not in done.stdout and "all clear" not in done.stdout
    # the reader is given to run_det.py on the command line: named as not checked
    assert f"{act.name}:1:1: info QF950 the reader config was not checked" in done.stdout


def test_some_files_not_checked_never_reads_all_clear(tree: Path, tmp_path: Path) -> None:
    ocr = tmp_path / "ocr.yml"
    ocr.write_text(FOREIGN["ocr.yml"][0], encoding="utf-8")
    clean = "configs/yolov3/yolov3_darknet53_270e_coco.yml"
    alone = qatfix(clean, "--select", "QF2", cwd=tree)
    assert alone.returncode == 0 and alone.stdout.strip().endswith("all clear")
    done = qatfix(clean, str(ocr), "--select", "QF2", cwd=tree)
    # infos never fail: the exit code is the checked file's; the summary says what was left out
    assert done.returncode == 0, done.stderr
    assert "all clear" not in done.stdout
    assert done.stdout.rstrip().endswith("1 not checked")
    assert "ocr.yml: info QF002 not checked: a PaddleOCR config" in done.stdout


def test_empty_folders_and_folders_without_configs_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .yml or .yaml configs" in one_error_line(qatfix(str(empty), cwd=tmp_path))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "README.md").write_text("# configs\n", encoding="utf-8")
    assert "no .yml or .yaml configs" in one_error_line(qatfix(str(docs), cwd=tmp_path))
    (docs / "ci.yml").write_text(FOREIGN["other.yml"][0], encoding="utf-8")
    assert "nothing was checked" in one_error_line(qatfix(str(docs), cwd=tmp_path))


# -- folder scans -------------------------------------------------------------------------------------

def test_the_folder_scan_uses_the_project_pairs(own_tree: Path) -> None:
    """The done-when of this behaviour: `qatfix configs/` with the seed pair in .qatfix.toml."""
    without = qatfix("configs/", "--select", "QF101", "--format", "json", cwd=own_tree)
    at_seed = [f for f in json.loads(without.stdout)["findings"]
               if f["location"]["path"] == SLIM and f["code"] == "QF101"]
    assert at_seed == []
    (own_tree / ".qatfix.toml").write_text(SEED_PAIR, encoding="utf-8")
    done = qatfix("configs/", cwd=own_tree)
    assert done.returncode == 1, done.stderr
    seed_error(done.stdout)
    assert f"from: -c {MODEL} --slim_config {SLIM}" in done.stdout


def test_pyproject_tool_table_is_read_too(own_tree: Path) -> None:
    (own_tree / "pyproject.toml").write_text("[tool.qatfix]\n" + SEED_PAIR, encoding="utf-8")
    done = qatfix("configs/slim/quant/", cwd=own_tree)
    seed_error(done.stdout)


def test_pre_commit_hook_on_a_commit_that_changes_only_the_slim_config(own_tree: Path) -> None:
    """The hook's entry from .pre-commit-hooks.yaml, with the one file the commit changes."""
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((Path(__file__).resolve().parents[2] /
                                   ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = {h["id"]: h for h in hooks}["qatfix"]["entry"].split()
    assert entry[0] == "qatfix"
    (own_tree / ".qatfix.toml").write_text(SEED_PAIR, encoding="utf-8")
    done = qatfix(*entry[1:], SLIM, cwd=own_tree)
    assert done.returncode == 1, done.stderr
    seed_error(done.stdout)
    # only the model side changed: the pair is checked all the same
    done = qatfix(*entry[1:], MODEL, cwd=own_tree)
    assert done.returncode == 1
    seed_error(done.stdout)


def test_a_changed_base_is_checked_through_the_configs_that_inherit_it(own_tree: Path) -> None:
    base = own_tree / "configs/rtdetr/_base_/optimizer_6x.yml"
    base.write_text(base.read_text(encoding="utf-8") + "epoch: 73\n", encoding="utf-8")
    done = qatfix("configs/rtdetr/_base_/optimizer_6x.yml", "--format", "json", cwd=own_tree)
    assert done.returncode == 1, done.stderr
    [duplicate] = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "QF401"]
    assert duplicate["location"]["path"] == "configs/rtdetr/_base_/optimizer_6x.yml"
    runs = duplicate["data"]["runs"]
    assert "-c configs/rtdetr/rtdetr_r50vd_6x_coco.yml" in runs and len(runs) > 3
    assert "QF002" not in done.stdout


def _broken_tree(root: Path) -> None:
    (root / ".qatfix.toml").write_text(SEED_PAIR, encoding="utf-8")
    (root / "configs" / "picodet" / "broken.yml").write_text(
        "_BASE_: [\n  '_base_/missing.yml',\n]\n", encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unreadable_config_in_a_folder_is_a_finding_in_every_format(own_tree: Path,
                                                                        fmt: str) -> None:
    _broken_tree(own_tree)
    done = qatfix("configs/picodet/", "configs/slim/quant/", "--format", fmt, cwd=own_tree)
    assert one_error_line(done) == "qatfix: error: 1 config(s) could not be read (QF000)"
    assert "QF000" in done.stdout and "broken.yml" in done.stdout
    assert "QF101" in done.stdout  # the rest was still checked
    if fmt == "json":
        data = json.loads(done.stdout)
        [broken] = [f for f in data["findings"] if f["code"] == "QF000"]
        assert broken["severity"] == "error" and "missing.yml" in broken["message"]
        assert data["summary"]["unchecked"] == 1
        assert data["summary"]["errors"] >= 2
    if fmt == "sarif":
        results = json.loads(done.stdout)["runs"][0]["results"]
        assert any(r["ruleId"] == "QF000" and r["level"] == "error" for r in results)
    if fmt == "text":
        assert done.stdout.rstrip().endswith("1 not checked")


def test_one_slim_file_shared_by_two_models_names_both_and_edits_it_for_neither(
        own_tree: Path) -> None:
    """Each model wants other weights in the shared file; writing either would break the other
    run (and the legacy model the file loads now), so neither is written first-come: the 320
    model gets a slim file of its own, the 416 model the zoo's own QAT config."""
    (own_tree / ".qatfix.toml").write_text(
        f'pairs = [["{MODEL}", "{SLIM}"], ["{MODEL_416}", "{SLIM}"]]\n', encoding="utf-8")
    done = qatfix(SLIM, cwd=own_tree)
    assert done.returncode == 1
    assert f"from: -c {MODEL} --slim_config {SLIM}" in done.stdout
    assert f"from: -c {MODEL_416} --slim_config {SLIM}" in done.stdout
    before = (own_tree / SLIM).read_bytes()
    assert os.access(own_tree / SLIM, os.W_OK)
    applied = qatfix(SLIM, "--apply", cwd=own_tree)
    assert applied.returncode == 1, applied.stderr  # the report is of the runs as they were
    assert (own_tree / SLIM).read_bytes() == before  # neither model's weights won by coming first
    new = "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml"
    assert f"fixed {new}" in applied.stderr
    assert f"run with: python tools/train.py -c {MODEL} --slim_config {new}" in applied.stderr
    assert (f"run with: python tools/train.py -c {MODEL_416} --slim_config "
            "configs/slim/quant/picodet_s_416_lcnet_quant.yml") in applied.stderr
    assert "Traceback" not in applied.stderr
    again = qatfix(SLIM, "--apply", cwd=own_tree)
    assert again.returncode == 1, again.stderr
    assert "fixed " not in again.stderr and (own_tree / SLIM).read_bytes() == before
    # the second run reports both runs again, each now fixed by its command alone
    assert again.stdout.splitlines()[-1].startswith("2 errors, 0 warnings, 1 info (QF101 2, ")
    assert f"fix (safe): Run with {new}, which already loads" in again.stdout


# -- --deep that cannot run -----------------------------------------------------------------------

def test_deep_without_paddle_keeps_the_static_findings(tree: Path, tmp_path: Path) -> None:
    """A machine without paddle: a `paddle` package that cannot be imported shadows the real one."""
    shadow = tmp_path / "no-paddle" / "paddle"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("No module named paddle")\n')
    path = os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", "")])
    done = qatfix("-c", MODEL, "--slim_config", SLIM, "--deep", cwd=tree, env={"PYTHONPATH": path})
    assert "--deep could not run for 1 config(s)" in one_error_line(done)
    seed_error(done.stdout)
    assert f"{SLIM}: warning QF003 --deep did not run: the deep check needs paddlepaddle" \
        in done.stdout
    assert 'what to do: install paddlepaddle and paddledet: python -m pip install -e ".[paddle]"' \
        in done.stdout
    assert done.stdout.count("pip install") == 1


@pytest.mark.paddle
def test_deep_that_cannot_download_reports_every_config(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "empty-cache"
    cache.mkdir()
    unknown = "https://paddledet.bj.bcebos.com/models/not_published.pdparams"
    done = qatfix(MODEL, "configs/yolov3/yolov3_darknet53_270e_coco.yml", "--deep", "--offline",
                  "-o", f"pretrain_weights={unknown}", "--format", "json", cwd=tree,
                  env={"QATFIX_CACHE_DIR": str(cache)})
    assert "--deep could not run for" in one_error_line(done)
    data = json.loads(done.stdout)
    failed = [f for f in data["findings"] if f["code"] == "QF003"]
    assert {f["config"] for f in failed} >= {MODEL, "configs/yolov3/yolov3_darknet53_270e_coco.yml"}
    for finding in failed:
        assert "what to do: " in finding["message"]
    downloads = [f for f in failed if "not in the weights cache" in f["message"]]
    assert {f["config"] for f in downloads} >= {MODEL}
    for finding in downloads:
        assert f"put the weights file in the cache folder {cache}" in finding["message"]
    assert data["summary"]["unchecked"] == len(failed)


# -- help and progress -------------------------------------------------------------------------------

def test_help_shows_the_main_flags_and_three_examples(tmp_path: Path) -> None:
    done = qatfix("--help", cwd=tmp_path)
    assert done.returncode == 0
    for flag in ("--slim_config", "-o", "--format", "--select", "--diff", "--apply",
                 "--interactive", "--deep", "--fail-on"):
        assert flag in done.stdout
    examples = done.stdout.split("examples:", 1)[1]
    assert "--slim_config configs/slim/quant/picodet_s_quant.yml" in examples
    assert "qatfix configs/" in examples and "--interactive" in examples


def _pty_run(argv: list[str], cwd: Path) -> tuple[int, str]:
    """The exit code of qatfix run on a terminal, and what it showed there."""
    pexpect = require("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "qatfix", *argv], cwd=str(cwd),
                          env={**os.environ, "NO_COLOR": "1"}, encoding="utf-8", timeout=300,
                          dimensions=(24, 200))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, str(child.before)


def _pty(argv: list[str], cwd: Path) -> str:
    return _pty_run(argv, cwd)[1]


def test_progress_on_a_terminal_only_and_never_in_machine_formats(tree: Path) -> None:
    shown = _pty(["configs/picodet/"], tree)
    assert "\r\x1b[K[1/" in shown
    for fmt in ("json", "sarif"):
        code, out = _pty_run(["configs/picodet/", "--format", fmt], tree)
        assert code == 1 and "\x1b[K" not in out and "[1/" not in out
        assert json.loads(out)
    piped = qatfix("configs/picodet/", cwd=tree)
    assert piped.returncode == 1, piped.stderr
    assert "\x1b[K" not in piped.stderr
    # the same report as on a terminal, ending in its summary
    assert piped.stdout.splitlines()[-1].startswith("0 errors, 4 warnings, 1 info (QF401 4, ")


@pytest.mark.parametrize("code", ["QF000", "QF002", "QF003", "QF405"])
def test_the_new_codes_are_explained_like_every_rule(tmp_path: Path, code: str) -> None:
    done = qatfix("explain", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for section in ("What it checks:", "Why it matters:", "Example:", "Fix safety:"):
        assert section in done.stdout, (code, section)


def test_apply_on_a_slim_file_alone_fixes_it_for_its_paired_model(own_tree: Path) -> None:
    """The fix is verified against the pair it came from, not against the slim file alone."""
    (own_tree / ".qatfix.toml").write_text(SEED_PAIR, encoding="utf-8")
    before = (own_tree / SLIM).read_bytes()
    done = qatfix(SLIM, "--apply", cwd=own_tree)
    assert "applied 1 fix" in done.stderr, done.stderr
    # the shared file loads the legacy model's weights (written for it): the pair gets its own
    assert (own_tree / SLIM).read_bytes() == before
    new = "configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml"
    first = (own_tree / new).read_text(encoding="utf-8").splitlines()[1]
    assert first == ("pretrain_weights: "
                     "https://paddledet.bj.bcebos.com/models/picodet_s_320_coco_lcnet.pdparams")
    again = qatfix("-c", MODEL, "--slim_config", new, "--select", "QF101", cwd=own_tree)
    assert again.returncode == 0 and again.stdout.strip() == "all clear"


@pytest.mark.paddle
def test_inspect_and_deep_show_what_they_wait_for_on_a_terminal(tree: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdparams"
    junk.write_bytes(b"not a paddle file")
    shown = _pty(["inspect", str(junk)], tmp_path)
    assert "\r\x1b[Kinspect " in shown and "reading the weights" in shown
    assert "qatfix: error: " in shown
    code, machine = _pty_run(["inspect", str(junk), "--format", "json"], tmp_path)
    assert code == 2 and "\x1b[K" not in machine
    assert machine.strip().startswith(f"qatfix: error: {junk}: not a paddle state dict")
    deep = _pty(["-c", MODEL, "--slim_config", SLIM, "--deep", "--offline", "--select", "QF6"],
                tree)
    assert "\r\x1b[K--deep configs/picodet/" in deep and "importing paddle" in deep
