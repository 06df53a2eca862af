"""Every rule's example, run through qatfix in a fresh process, reports that rule's code.

An example is a command line run from a PaddleDetection checkout (here the develop tree, its
`configs/` folders and the ACT configs of `deploy/auto_compression/configs/` linked into a
temporary checkout), followed by the files it adds there (`qatfix.rules.base.example_parts`).
`--deep` examples need paddle and ppdet.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.rules import all_rules
from qatfix.rules.base import example_paddleslim, example_parts
from tests.conftest import REPO, paddleslim_release, require, tree

RULES = all_rules()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_itself(code: str) -> None:
    rule = RULES[code]
    for field in ("summary", "explanation", "fix_safety", "example", "instead", "evidence"):
        assert getattr(rule, field).strip(), f"{code} has no {field}"
    command, files = example_parts(rule.example)
    assert command.startswith("qatfix "), command
    assert all(path.startswith(("configs/", "deploy/auto_compression/")) and text.strip()
               for path, text in files)


def checkout(tmp_path: Path) -> Path:
    """A PaddleDetection checkout of the develop tree's configs that examples may add to."""
    develop = tree("develop")
    root = tmp_path / "PaddleDetection"
    (root / "configs").mkdir(parents=True)
    for entry in (develop / "configs").iterdir():
        (root / "configs" / entry.name).symlink_to(entry)
    act = root / "deploy" / "auto_compression" / "configs"
    act.mkdir(parents=True)
    for entry in (develop / "deploy" / "auto_compression" / "configs").iterdir():
        act.joinpath(entry.name).symlink_to(entry)
    # the scripts pasted commands run: tools/, deploy/python/ and the auto_compression eval
    # scripts (develop's test_det.py, release-2.6's paddle_inference_eval.py)
    (root / "tools").symlink_to(develop / "tools")
    (root / "deploy" / "python").symlink_to(develop / "deploy" / "python")
    for script in (develop / "deploy" / "auto_compression").glob("*.py"):
        (act.parent / script.name).symlink_to(script)
    eval_26 = tree("release-2.6") / "deploy" / "auto_compression" / "paddle_inference_eval.py"
    (act.parent / eval_26.name).symlink_to(eval_26)
    return root


def add_file(root: Path, path: str, text: str) -> None:
    """Write an example's file into the checkout, never through a link into the develop tree:
    a linked folder on the way becomes a folder of links to its entries, a linked file is
    replaced."""
    folder = root
    for part in Path(path).parent.parts:
        folder = folder / part
        if folder.is_symlink():
            source = folder.resolve()
            folder.unlink()
            folder.mkdir()
            for entry in source.iterdir():
                (folder / entry.name).symlink_to(entry)
        folder.mkdir(exist_ok=True)
    target = root / path
    if target.is_symlink():
        target.unlink()
    target.write_text(text, encoding="utf-8")


def short_keys_weights(root: Path) -> None:
    """`short_keys.pdparams`: the LCNet PicoDet's state dict with every key cut to its last
    two parts, so one weight key matches several model keys (QF602's example)."""
    script = ("import sys, paddle\n"
              "import ppdet.core.workspace as ws\n"
              "cfg = ws.load_config(sys.argv[1])\n"
              "state = ws.create(cfg.architecture).state_dict()\n"
              "short = {}\n"
              "for key, value in state.items():\n"
              "    short.setdefault('.'.join(key.split('.')[-2:]), value)\n"
              "paddle.save(short, sys.argv[2])\n")
    subprocess.run([sys.executable, "-c", script, "configs/picodet/picodet_s_320_coco_lcnet.yml",
                    "short_keys.pdparams"], cwd=root, check=True, capture_output=True,
                   timeout=600)


def exported_params(root: Path) -> None:
    """`model.pdiparams` beside each exported `model.json` of an example: the parameters file
    paddle 3 writes with the program (its content is not read, only its name)."""
    for program in (root / "deploy").rglob("model.json"):
        program.with_name("model.pdiparams").write_bytes(b"")


def qat_checkpoint_onnx_false(root: Path) -> None:
    """`output/qat_onnx_false/model_final.pdparams`: PicoDet-S-320 LCNet quantized by ppdet's
    QAT slim with onnx_format false (the layout PaddleSlim up to 2.4.1 trains by default)."""
    require("paddleslim")
    script = ("import sys, paddle\n"
              "from ppdet.core.workspace import create, load_config, merge_config\n"
              "cfg = load_config(sys.argv[1])\n"
              "load_config(sys.argv[2])\n"
              "merge_config({'QAT': {'quant_config': {'onnx_format': False}}})\n"
              "model = create(cfg.slim)(create(cfg.architecture))\n"
              "paddle.save(model.state_dict(), sys.argv[3])\n")
    out = root / "output" / "qat_onnx_false"
    out.mkdir(parents=True)
    subprocess.run([sys.executable, "-c", script, "configs/picodet/picodet_s_320_coco_lcnet.yml",
                    "configs/slim/quant/picodet_s_416_lcnet_quant.yml",
                    str(out / "model_final.pdparams")], cwd=root, check=True,
                   capture_output=True, timeout=600)


def lcnet_state_dict(root: Path) -> None:
    """`output/lcnet_model_final.pdparams`: the LCNet PicoDet's state dict as ppdet builds it
    (QF106's example trains the legacy ESNet PicoDet from it)."""
    script = ("import sys, paddle\n"
              "from ppdet.core.workspace import create, load_config\n"
              "cfg = load_config(sys.argv[1])\n"
              "paddle.save(create(cfg.architecture).state_dict(), sys.argv[2])\n")
    (root / "output").mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-c", script, "configs/picodet/picodet_s_320_coco_lcnet.yml",
                    str(root / "output" / "lcnet_model_final.pdparams")], cwd=root, check=True,
                   capture_output=True, timeout=600)


def develop_checkout(root: Path) -> None:
    """The checkout's own ppdet and setup.py, as a develop source checkout declares them (QF108's
    example is a config of another release run on develop)."""
    (root / "setup.py").symlink_to(tree("develop") / "setup.py")
    (root / "ppdet").symlink_to(tree("develop") / "ppdet")


#: what an example needs made before it runs, beyond its files
PREPARE = {"QF602": short_keys_weights, "QF961": exported_params, "QF963": exported_params,
           "QF906": qat_checkpoint_onnx_false, "QF106": lcnet_state_dict,
           "QF108": develop_checkout}


#: examples whose preparation builds a model with ppdet (paddle.save)
PREPARED_WITH_PADDLE = frozenset({"QF602", "QF906", "QF106"})


def _example_params() -> list[object]:
    """Every code, marked `paddle` when its example runs `--deep` or is prepared with ppdet."""
    return [pytest.param(code, marks=pytest.mark.paddle)
            if code in PREPARED_WITH_PADDLE or "--deep" in shlex.split(
                example_parts(RULES[code].example)[0])
            else code for code in sorted(RULES)]


@pytest.mark.corpus
@pytest.mark.parametrize("code", _example_params())
def test_every_example_reports_its_code(code: str, tmp_path: Path,
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    rule = RULES[code]
    command, files = example_parts(rule.example)
    argv = shlex.split(command)[1:]
    root = checkout(tmp_path)
    for path, text in files:
        add_file(root, path, text)
    if code in PREPARE:
        PREPARE[code](root)
    env = {**os.environ, "QATFIX_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    release = example_paddleslim(rule.example)
    if release is not None:
        site = paddleslim_release(release, tmp_path_factory.getbasetemp())
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(REPO)])
    # `--format json` first: a pasted training command takes every argument after it
    done = subprocess.run([sys.executable, "-m", "qatfix", "--format", "json", *argv], cwd=root,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1, 2), done.stderr
    findings = json.loads(done.stdout)["findings"]
    codes = [f["code"] for f in findings]
    assert code in codes, (command, [(f["code"], f["message"][:300]) for f in findings])
    assert done.returncode in expected_exits(findings), (done.returncode, codes, done.stderr)
    for finding in findings:
        fits_its_file(root, finding)
    outcome = example_outcome(root, done.returncode, findings, code)
    pinned = EXAMPLES / f"{code}.json"
    if os.environ.get("QATFIX_UPDATE_EXAMPLES") == "1":
        pinned.parent.mkdir(exist_ok=True)
        pinned.write_text(json.dumps(outcome, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert pinned.is_file(), f"no reviewed outcome for {code}: {REGENERATE}"
    assert outcome == json.loads(pinned.read_text(encoding="utf-8")), \
        f"{code}'s example changed its exit code, lines or fix; once reviewed: {REGENERATE}"


#: the reviewed outcome of each example: exit code, and the line, severity and fix (safety and
#: edits) of each finding of the example's code
EXAMPLES = Path(__file__).with_name("examples")
REGENERATE = "QATFIX_UPDATE_EXAMPLES=1 python -m pytest tests/rules/test_examples.py -k reports"
#: findings that make a run exit 2 after its report (README, exit codes)
INPUT_ERRORS = {"QF000", "QF003"}


def expected_exits(findings: list[dict[str, object]]) -> set[int]:
    """The exit codes the README allows for these findings under the default `--fail-on`: 2
    after a config that could not be read or a `--deep` that could not run, else 1 for an error
    or a warning, else 0 (or 2 when only files that are not configs were named: nothing was
    checked; the pinned outcome says which)."""
    codes = {str(f["code"]) for f in findings}
    if codes & INPUT_ERRORS:
        return {2}
    if any(f["severity"] in ("error", "warning") for f in findings):
        return {1}
    return {0, 2} if codes and codes <= {"QF002"} else {0}


def fits_its_file(root: Path, finding: dict[str, object]) -> None:
    """The finding's line is a line of its file (0: the file as a whole), and each edit of its
    fix replaces exactly the lines it names, as they are now."""
    location = finding["location"]
    assert isinstance(location, dict)
    path = root / str(location["path"])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
    assert 0 <= int(location["line"]) <= max(len(lines), 1), (finding["code"], location)
    fix = finding.get("fix")
    for edit in (fix or {}).get("edits", []) if isinstance(fix, dict) else []:
        target = root / edit["path"]
        if not target.exists():
            assert edit["old_text"] == "", edit
            continue
        text = target.read_text(encoding="utf-8").splitlines(keepends=True)
        assert "".join(text[edit["start_line"] - 1:edit["end_line"]]) == edit["old_text"], edit


def example_outcome(root: Path, exit_code: int, findings: list[dict[str, object]],
                    code: str) -> dict[str, object]:
    """What is pinned of an example's run (paths relative to the checkout)."""
    def local(text: object) -> object:
        return text.replace(str(root), "<checkout>") if isinstance(text, str) else text

    shown = []
    for finding in findings:
        if finding["code"] != code:
            continue
        location = finding["location"]
        fix = finding.get("fix")
        assert isinstance(location, dict)
        shown.append({
            "path": local(location["path"]), "line": location["line"],
            "severity": finding["severity"],
            "fix": None if not isinstance(fix, dict) else {
                "safety": fix["safety"],
                "edits": [{"path": local(e["path"]), "lines": [e["start_line"], e["end_line"]],
                           "new_text": local(e["new_text"])} for e in fix["edits"]]},
        })
    return {"exit": exit_code, "findings": sorted(shown, key=json.dumps)}
