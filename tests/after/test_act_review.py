"""`qatfix review` on pull requests that change ACT configs or their readers, in a fresh
process against a local GitHub: each changed ACT config is checked with the reader its run uses
(release-2.6: Global.reader_config; develop: the README's command, else the reader beside it
that fits), which the review names, and reports what the plain check of that run reports."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.after.act_trees import ACT, act_checkout, edit
from tests.after.helpers import NOT_EXPORTED, findings
from tests.conftest import REPO
from tests.review.conftest import actions_env, github, make_patch, repo, sleeps  # noqa: F401
from tests.review.github_fake import FakeGitHub, diff_entry


def _change(github: FakeGitHub, root: Path, rel: Path, old: str, new: str) -> None:
    """The pull request changes `old` to `new` in `rel` (the checkout holds the new text)."""
    path = root / rel
    before = path.read_text(encoding="utf-8")
    edit(path, old, new)
    github.files = [*github.files,
                    diff_entry(rel.as_posix(), make_patch(before, path.read_text("utf-8")))]


def _review(root: Path) -> tuple[subprocess.CompletedProcess[str], list[str], dict]:
    """`qatfix review --dry-run` in a fresh process: the run, its report lines, the payload."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "qatfix", "review", "--dry-run", "--root",
                           str(root)], cwd=str(root), env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    text, brace, payload = done.stdout.partition("\n{")
    return done, text.splitlines(), json.loads("{" + payload) if brace else {}


def _plain(run_dir: Path, reader: str, act: str) -> list[str]:
    """`qatfix python run_det.py --config READER --act_config_path ACT`: code and message."""
    _, found = findings("python", "run_det.py", "--config", reader, "--act_config_path", act,
                        cwd=run_dir)
    return [f"{f['code']} {' '.join(f['message'].split())}" for f in found]


@pytest.fixture
def develop(tmp_path: Path, actions_env: Path) -> Path:  # noqa: F811
    return act_checkout("develop", tmp_path / "pr")


def test_a_changed_act_config_is_checked_with_the_readme_reader(develop: Path,
                                                                github: FakeGitHub) -> None:  # noqa: F811
    act = ACT / "configs/ppyoloe_l_qat_dis.yaml"
    # the model becomes PP-YOLOE+ (mean 0, std 1); the README runs it with ppyoloe_reader.yml
    _change(github, develop, act, "ppyoloe_crn_l_300e_coco", "ppyoloe_plus_crn_l_80e_coco")
    done, lines, payload = _review(develop)
    assert (f"qatfix: note: ACT config {act.as_posix()} is checked with the reader "
            f"{ACT.as_posix()}/configs/ppyoloe_reader.yml: the reader the README's command "
            "runs it with") in done.stderr
    reported = [line.split(": ", 1)[1].split(" ", 1)[1] for line in lines[:-1]]
    assert reported == _plain(develop / ACT, "configs/ppyoloe_reader.yml",
                              "configs/ppyoloe_l_qat_dis.yaml")
    assert next(r for r in reported if r.startswith("QF952")).startswith(
        "QF952 the reader configs/ppyoloe_reader.yml feeds ImageNet mean/std")
    assert [line for line in lines if NOT_EXPORTED not in line][0].startswith(
        f"{ACT.as_posix()}/configs/ppyoloe_reader.yml:20")
    assert "QF950" not in done.stdout
    assert "QF952" in payload["body"]


def test_a_changed_reader_is_checked_through_the_act_configs_that_run_with_it(
        develop: Path, github: FakeGitHub) -> None:  # noqa: F811
    reader = ACT / "configs/ppyoloe_reader.yml"
    _change(github, develop, reader, "target_size: [640, 640]", "target_size: [608, 608]")
    done, lines, payload = _review(develop)
    assert "is checked with the reader deploy/auto_compression/configs/ppyoloe_reader.yml" in \
        done.stderr
    (line,) = [line for line in lines[:-1] if NOT_EXPORTED not in line]
    assert " error QF951 the reader configs/ppyoloe_reader.yml resizes to 608x608" in line
    assert line.split(": ", 1)[1].split(" ", 1)[1] in _plain(
        develop / ACT, "configs/ppyoloe_reader.yml", "configs/ppyoloe_l_qat_dis.yaml")


def test_a_changed_act_config_without_documented_reader_takes_the_one_that_fits(
        develop: Path, github: FakeGitHub) -> None:  # noqa: F811
    act = ACT / "configs/picodet_s_320_lcnet_qat_dis.yaml"
    _change(github, develop, act, "\nQuantAware:", "\nQuantization:")
    done, lines, payload = _review(develop)
    assert (f"ACT config {act.as_posix()} is checked with the reader "
            f"{ACT.as_posix()}/configs/picodet_320_reader.yml: the reader beside it that fits "
            "the model's input size and normalization") in done.stderr
    reported = [line.split(": ", 1)[1].split(" ", 1)[1] for line in lines[:-1]]
    plain = _plain(develop / ACT, "configs/picodet_320_reader.yml", f"configs/{act.name}")
    assert [r.removesuffix(" [suggested change]") for r in reported] == plain
    assert [r.split(" ", 1)[0] for r in reported] == ["QF960", "QF971"]  # not exported yet
    assert reported[1].endswith("[suggested change]")
    (comment,) = payload["comments"]
    assert "```suggestion\nQuantAware:\n```" in comment["body"]


def test_a_changed_reader_no_act_run_reads_is_named_as_not_checked(
        develop: Path, github: FakeGitHub) -> None:  # noqa: F811
    reader = ACT / "configs/picodet_320_reader.yml"
    # now it fits no ACT config beside it: none is known to run with it
    _change(github, develop, reader, "eval_height: &eval_height 320\neval_width: &eval_width 320",
            "eval_height: &eval_height 352\neval_width: &eval_width 352")
    done, lines, payload = _review(develop)
    (line,) = [line for line in lines[:-1] if NOT_EXPORTED not in line]
    assert line.startswith(f"{reader.as_posix()}: info QF002 not checked: a ppdet reader config "
                           "beside ACT configs, but no ACT config there is known to run with it")


def test_release26_act_config_is_checked_with_its_reader_config(
        tmp_path: Path, actions_env: Path, github: FakeGitHub) -> None:  # noqa: F811
    root = act_checkout("release-2.6", tmp_path / "pr")
    act = ACT / "configs/picodet_s_qat_dis.yaml"
    _change(github, root, act, "./configs/picodet_reader.yml", "./configs/ppyoloe_reader.yml")
    done, lines, payload = _review(root)
    assert (f"ACT config {act.as_posix()} is checked as it stands: its Global.reader_config, "
            "which run.py reads") in done.stderr
    codes = [line.split(": ", 1)[1].split(" ")[1] for line in lines[:-1]]
    _, plain = findings("python", "run.py", "--config_path", "configs/picodet_s_qat_dis.yaml",
                        cwd=root / ACT)
    assert codes == [f["code"] for f in plain] and "QF951" in codes
    # the fix edits the changed line: a suggestion back to the reader that fits
    assert any("```suggestion\n" in c["body"] and "picodet_reader.yml" in c["body"]
               for c in payload.get("comments", []))


def test_the_review_reader_of_every_shared_act_config() -> None:
    """On develop the chosen reader is the one each config is documented or built for (the
    table of tests.after.test_act_cli); PaddleYOLO's models are unknown, so none is chosen. On
    release-2.6 every config is run with its own Global.reader_config."""
    from qatfix.run.act_reader_choice import FITS, NAMED_KEY, OWN_KEY, README, chosen_reader
    from tests.after.test_act_cli import DEVELOP_READERS
    from tests.conftest import tree

    configs = tree("develop") / ACT / "configs"
    for name, documented in sorted(DEVELOP_READERS.items()):
        choice = chosen_reader(str(configs / name))
        if name.startswith("yolov"):
            assert choice.reader is None, name
            continue
        assert choice.reader == str(configs / documented), name
        expected = {"ppyoloe_l_qat_dis.yaml": README, "rtdetr_r50vd_qat_dis.yaml": NAMED_KEY}
        assert choice.why.startswith(expected.get(name, FITS)), (name, choice.why)
    for path in sorted((tree("release-2.6") / ACT / "configs").glob("*qat*")):
        assert chosen_reader(str(path)).why == OWN_KEY, path


def test_a_pull_request_cannot_make_the_review_read_outside_the_repository(
        tmp_path: Path, actions_env: Path, github: FakeGitHub) -> None:  # noqa: F811
    root = act_checkout("release-2.6", tmp_path / "pr")
    outside = tmp_path / "outside"
    (outside / "picodet_s_416_coco_npu").mkdir(parents=True)
    # an export that, if read, would take 999x999 images
    (outside / "picodet_s_416_coco_npu" / "infer_cfg.yml").write_text(
        "arch: PicoDet\nPreprocess:\n- {type: Resize, target_size: [999, 999], keep_ratio: false}"
        "\n- {type: Permute}\nlabel_list: [a]\n")
    (outside / "reader.yml").write_text((root / ACT / "configs/picodet_reader.yml").read_text())
    act = ACT / "configs/picodet_s_qat_dis.yaml"
    escape = os.path.relpath(outside, root / ACT)
    text = (root / act).read_text()
    model_dir = next(line for line in text.splitlines() if "model_dir:" in line)
    _change(github, root, act, model_dir, f"  model_dir: {escape}/picodet_s_416_coco_npu")
    done, lines, payload = _review(root)
    assert "999" not in done.stdout  # the model is known by its folder's name only
    (note, summary) = lines  # the folder outside is known by its name only, and that is said
    assert " info QF960 " in note and "lies outside the repository" in note, lines
    assert summary.startswith("Dry run"), lines
    _change(github, root, act, "./configs/picodet_reader.yml", f"{escape}/reader.yml")
    done, lines, payload = _review(root)
    assert any(" QF000 " in line and "lies outside the repository" in line for line in lines), \
        lines
