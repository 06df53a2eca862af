"""`--apply` on the whole `configs/` folder of the develop tree, in a copy: no documented pair
loads fewer tensors or gains a problem, and a second `--apply` writes nothing."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qatfix.config.pairs import Pair, documented_pairs
from qatfix.registry import load_registry
from qatfix.run.shared_edits import RunState, run_state, worse
from tests.conftest import REPO, tree


def apply(root: Path, folder: str = "configs") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "qatfix", folder, "--apply"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=1200)


def files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (root / "configs").rglob("*") if p.is_file()}


def pair_states(root: Path, extra: tuple[tuple[str, str], ...] = ()
                ) -> dict[tuple[str, str], RunState]:
    found = {}
    for pair in [*documented_pairs(load_registry()), *(Pair(c, s) for c, s in extra)]:
        config, slim = root / pair.config, root / pair.slim
        if config.is_file() and slim.is_file():
            found[(pair.config, pair.slim)] = run_state(str(config), str(slim), {})
    return found


@pytest.mark.corpus
def test_apply_on_the_develop_configs_folder_breaks_no_pair_and_converges(tmp_path: Path) -> None:
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    before_files = files(root)
    before = pair_states(root)
    assert len(before) >= 20  # the READMEs document 24 QAT/PTQ/prune/distill pairs here

    first = apply(root)
    # the report after the fixes still holds the tree's warnings (QF201, ...): exit 1
    assert first.returncode == 1, first.stderr[-2000:]
    assert first.stdout.splitlines()[-1].startswith("0 errors, ")
    after_files = files(root)
    changed = [p for p in before_files if after_files.get(p) != before_files[p]]
    assert changed, "the develop tree has safe fixes (duplicate keys) that --apply writes"

    after = pair_states(root)
    assert after.keys() == before.keys()
    worse_pairs = {pair: how for pair in before if (how := worse(before[pair], after[pair]))}
    assert worse_pairs == {}
    # the figures themselves: every pair loads at least what it loaded before
    for pair, state in before.items():
        for was, now in zip(state.loads, after[pair].loads):
            if was is not None:
                assert now is not None and now[0] >= was[0], pair

    second = apply(root)
    assert second.returncode == 1, second.stderr[-2000:]
    assert "fixed " not in second.stderr
    assert files(root) == after_files
    # the second run checked the whole tree again and reports what the first left
    assert second.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]


#: pairs a project declares that reuse slim configs written for other models
USER_PAIRS = (("configs/picodet/picodet_s_320_coco_lcnet.yml", "configs/slim/quant/picodet_s_quant.yml"),
              ("configs/picodet/picodet_s_416_coco_lcnet.yml", "configs/slim/quant/ppyoloe_l_qat.yml"),
              ("configs/ppyoloe/ppyoloe_crn_s_300e_coco.yml", "configs/slim/quant/ppyoloe_l_qat.yml"))


@pytest.mark.corpus
def test_apply_with_project_pairs_on_shared_slim_configs_converges(tmp_path: Path) -> None:
    """With `.qatfix.toml` pairing models to slim configs written for others, --apply on the
    slim folder writes a slim file per model (or names the zoo's config), breaks none of the
    documented or declared pairs, and a second --apply writes nothing."""
    root = tmp_path / "PaddleDetection"
    shutil.copytree(tree("develop") / "configs", root / "configs")
    for path in (root / "configs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (root / ".qatfix.toml").write_text(
        "pairs = [\n" + "".join(f'  ["{c}", "{s}"],\n' for c, s in USER_PAIRS) + "]\n")
    before_files = files(root)
    before = pair_states(root, USER_PAIRS)
    first = apply(root, "configs/slim/quant")
    assert first.returncode == 0, first.stderr[-2000:]  # infos only are left
    assert first.stdout.splitlines()[-1].startswith("0 errors, 0 warnings, ")
    after_files = files(root)
    assert [p for p in before_files if after_files[p] != before_files[p]] == []
    created = sorted(str(p.relative_to(root)) for p in set(after_files) - set(before_files))
    assert created == ["configs/slim/quant/picodet_s_320_coco_lcnet_qat.yml",
                       "configs/slim/quant/ppyoloe_crn_s_300e_coco_qat.yml"]
    assert ("run with: python tools/train.py -c configs/picodet/picodet_s_416_coco_lcnet.yml "
            "--slim_config configs/slim/quant/picodet_s_416_lcnet_quant.yml") in first.stderr
    after = pair_states(root, USER_PAIRS)
    assert {pair: how for pair in before if (how := worse(before[pair], after[pair]))} == {}
    for config, slim in (("configs/picodet/picodet_s_320_coco_lcnet.yml", created[0]),
                         ("configs/ppyoloe/ppyoloe_crn_s_300e_coco.yml", created[1])):
        state = run_state(str(root / config), str(root / slim), {})
        assert state.problems == frozenset() and state.loads[0] is not None
        assert state.loads[0][0] == state.loads[0][1]
    second = apply(root, "configs/slim/quant")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "fixed " not in second.stderr
    assert files(root) == after_files
    assert second.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
