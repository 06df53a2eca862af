"""Which runs a pull request asks to be checked: `qatfix.run.plan` given the changed files of a
checkout."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from qatfix.errors import ConfigError
from qatfix.config.inheritance import bases_of, descendants
from qatfix.config.pairs import Pair, read_pairs
from qatfix.run.plan import Run, plan
from qatfix.run.request import CheckRequest
from tests.after.act_trees import ACT, act_checkout, edit
from tests.conftest import tree
from tests.review.conftest import BASE, MODEL, SLIM, write_tree


def changed(root: Path, *files: str) -> tuple[Run, ...]:
    """The runs planned for `files` changed in the checkout `root`; no file is not checked."""
    planned = plan(CheckRequest(paths=files, root=str(root), static_only=True))
    assert planned.unchecked == ()
    return planned.runs


def test_changed_slim_config_is_checked_with_its_model_config(repo: Path):
    pairs = read_pairs(str(repo))
    assert pairs == (Pair(MODEL, SLIM),)
    assert changed(repo, SLIM, "README.md") == (Run(str(repo / MODEL), str(repo / SLIM)),)


def test_a_changed_base_reaches_the_pair_and_is_checked_itself(repo: Path):
    assert changed(repo, BASE) == (Run(str(repo / BASE)), Run(str(repo / MODEL), str(repo / SLIM)))


def test_inheriting_configs_at_any_depth(tmp_path: Path):
    root = write_tree(tmp_path, {
        "configs/_base_/reader.yml": "TrainReader: {batch_size: 8}\n",
        "configs/a.yml": "_BASE_: ['_base_/reader.yml']\nepoch: 1\n",
        "configs/deep/b.yml": "_BASE_: [\n  '../a.yml',\n]\nepoch: 2\n",
        "configs/c.yml": "_BASE_: ['deep/b.yml']\n",
        "configs/mentions_only.yml": "# like reader.yml but not a base\nepoch: 3\n",
        "configs/other.yml": "_BASE_: ['a_copy/reader.yml']\n",
        "configs/sched.yml": "_BASE_: ['a.yml']\nLearningRate:\n  schedulers:\n"
                             "  - !CosineDecay\n    max_epochs: 3\n",
    })
    assert descendants(str(root), ["configs/_base_/reader.yml"]) == (
        "configs/a.yml", "configs/c.yml", "configs/deep/b.yml", "configs/sched.yml")
    assert changed(root, "configs/deep/b.yml") == (
        Run(str(root / "configs/c.yml")), Run(str(root / "configs/deep/b.yml")))


def test_bases_outside_the_repository_are_ignored(tmp_path: Path):
    root = write_tree(tmp_path / "repo", {
        "a.yml": "_BASE_: ['../outside.yml', '/etc/x.yml', '~/y.yml', 'in.yml']\n",
        "in.yml": "epoch: 1\n"})
    (tmp_path / "outside.yml").write_text("epoch: 2\n")
    assert bases_of(str(root), "a.yml") == ("in.yml",)


def test_symlinked_config_pointing_outside_is_not_read(tmp_path: Path):
    (tmp_path / "secret.yml").write_text("_BASE_: ['b.yml']\n")
    root = write_tree(tmp_path / "repo", {"b.yml": "epoch: 1\n"})
    (root / "evil.yml").symlink_to(tmp_path / "secret.yml")
    assert bases_of(str(root), "evil.yml") == ()
    assert descendants(str(root), ["b.yml"]) == ()


def test_pairs_from_pyproject(tmp_path: Path):
    root = write_tree(tmp_path, {"pyproject.toml": f'[tool.qatfix]\npairs = [["{MODEL}", "{SLIM}"]]\n'})
    assert read_pairs(str(root)) == (Pair(MODEL, SLIM),)
    assert read_pairs(str(write_tree(tmp_path / "empty", {"x.txt": ""}))) == ()


@pytest.mark.parametrize("text, message", [
    ('pairs = [["a.yml"]]', "expected [config, slim]"),
    ('pairs = [["../a.yml", "b.yml"]]', "outside the repository"),
    ('pairs = [["/abs/a.yml", "b.yml"]]', "outside the repository"),
    ('pairs = "a.yml"', "expected a list"),
    ('pairs = [[', "invalid TOML"),
])
def test_invalid_project_file(tmp_path: Path, text: str, message: str):
    root = write_tree(tmp_path, {".qatfix.toml": text + "\n"})
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        read_pairs(str(root))
    assert info.value.path == ".qatfix.toml"


@pytest.mark.corpus
def test_descendants_in_the_paddledetection_tree():
    root = tree("develop")
    found = descendants(str(root), ["configs/picodet/_base_/picodet_v2.yml"])
    assert "configs/picodet/picodet_s_320_coco_lcnet.yml" in found
    assert all(p.startswith("configs/") and p.endswith((".yml", ".yaml")) for p in found)
    # a changed base: itself, and every config inheriting from it; the READMEs' pairs whose
    # model config reads it are checked as pairs, not alone
    runs = changed(root, "configs/picodet/_base_/picodet_v2.yml")
    alone = {r.config for r in runs if r.slim is None}
    assert str(root / "configs/picodet/_base_/picodet_v2.yml") in alone
    assert str(root / "configs/picodet/picodet_s_320_coco_lcnet.yml") in alone
    assert all(r.config.startswith(str(root / "configs") + "/") for r in runs)
    assert {r.config for r in runs if r.slim} & alone == set()


@pytest.mark.corpus
def test_a_changed_act_config_runs_with_the_reader_its_run_uses(tmp_path: Path):
    root = act_checkout("develop", tmp_path)
    act = (ACT / "configs/ppyoloe_l_qat_dis.yaml").as_posix()
    reader = (ACT / "configs/ppyoloe_reader.yml").as_posix()
    why = (f"ACT config {act} is checked with the reader {reader}: the reader the README's "
           "command runs it with")
    assert changed(root, act) == (Run(str(root / act), reader=str(root / reader), why=why),)
    # the reader changed: checked through the ACT configs beside it whose run reads it
    through = changed(root, reader)
    assert Run(str(root / act), reader=str(root / reader), why=why) in through
    assert all(run.reader == str(root / reader) for run in through)


@pytest.mark.corpus
def test_a_changed_reader_no_act_run_reads_is_not_checked(tmp_path: Path):
    root = act_checkout("develop", tmp_path)
    reader = (ACT / "configs/picodet_320_reader.yml").as_posix()
    edit(root / reader, "eval_height: &eval_height 320\neval_width: &eval_width 320",
         "eval_height: &eval_height 352\neval_width: &eval_width 352")
    planned = plan(CheckRequest(paths=(reader,), root=str(root), static_only=True))
    assert [run for run in planned.runs if run.reader == str(root / reader)] == []
    (finding,) = planned.unchecked
    assert finding.code == "QF002" and finding.location.path == str(root / reader)
    assert "no ACT config there is known to run with it" in finding.message
