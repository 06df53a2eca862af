"""`qatfix check` of the seed pair, cold, side by side with ppdet's own way to find out.

    python benchmarks/bench_check.py [--runs 15]

qatfix: a fresh `python -m qatfix check -c picodet_s_320_coco_lcnet.yml --slim_config
picodet_s_quant.yml` in the PaddleDetection develop tree. ppdet: a fresh process that does what
tools/train.py does before its first step: import ppdet, `load_config` both files, `create` the
model and `load_pretrain_weight` a local copy of the weights the slim config names (made once,
with paddle, from the ESNet config they were trained with, and kept in a temp folder). Both report
the same thing: 8 of the weights do not fit and 432 are left unused. The speed target is a ratio:
the seed check within 3.5x the processor time of a process that starts Python and imports
ruamel.yaml, the two run in turn so both see the same load. Also: <= 40 MB peak, and how much
faster than ppdet's way. Where valgrind is installed, the instructions of one run are counted too
(beside a bare interpreter's).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import SEED_CONFIG, SEED_SLIM, need_tree  # noqa: E402
from benchmarks._measure import (  # noqa: E402
    Row, Sample, expect, instructions, median_peak_mb, median_seconds, paired_ratio, repeat,
    run_child, table,
)

LEGACY = "configs/picodet/legacy_model/picodet_s_320_coco.yml"
WEIGHTS_DIR = Path(tempfile.gettempdir()) / "qatfix-bench-weights"
TARGET_MS, TARGET_MB, TARGET_SPEEDUP = 100.0, 40.0, 50.0
#: the seed check's processor time over a process that starts Python and imports ruamel.yaml
TARGET_RATIO = 3.5
RUAMEL_ONLY = [sys.executable, "-c", "import ruamel.yaml"]

MAKE_WEIGHTS = """
import sys
import paddle
import ppdet.core.workspace as workspace
cfg = workspace.load_config(sys.argv[1])
model = workspace.create(cfg.architecture)
paddle.save(model.state_dict(), sys.argv[2])
"""

PPDET_WAY = """
import sys
import ppdet.core.workspace as workspace
from ppdet.utils.checkpoint import load_pretrain_weight
config, slim, weights = sys.argv[1:4]
cfg = workspace.load_config(config)
workspace.load_config(slim)
model = workspace.create(cfg.architecture)
load_pretrain_weight(model, weights)
print(len(model.state_dict()))
"""


def legacy_weights(root: Path) -> Path:
    """picodet_s_320_coco.pdparams as ppdet builds it from its ESNet config (made once)."""
    path = WEIGHTS_DIR / "picodet_s_320_coco.pdparams"
    if not path.is_file():
        WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
        made = run_child([sys.executable, "-c", MAKE_WEIGHTS, LEGACY, str(path)], root)
        if made.code != 0 or not path.is_file():
            sys.exit("could not build the legacy PicoDet weights with paddle and ppdet "
                     "(pip install -e '.[paddle]')")
    return path


SEED_ARGV = [sys.executable, "-m", "qatfix", "check", "-c", SEED_CONFIG, "--slim_config", SEED_SLIM]


def qatfix_seed(root: Path, runs: int) -> list[Sample]:
    expect(SEED_ARGV, root, code=1, needle="QF101", what="qatfix check of the seed pair")
    return repeat(SEED_ARGV, runs, root)


def ppdet_seed(root: Path, runs: int) -> list[Sample] | None:
    try:
        import importlib.util

        if importlib.util.find_spec("ppdet") is None:
            return None
    except ImportError:
        return None
    weights = legacy_weights(root)
    argv = [sys.executable, "-c", PPDET_WAY, SEED_CONFIG, SEED_SLIM, str(weights)]
    return repeat(argv, runs, root)


#: what any run of qatfix imports before it reads a file: its YAML parser, its records, its CLI
LIBRARIES = "import argparse, dataclasses, json, ruamel.yaml"


def python_floor(root: Path, runs: int) -> list[Sample]:
    """A bare interpreter, for scale: nothing can start faster than this."""
    return repeat([sys.executable, "-c", "pass"], runs, root)


def library_floor(root: Path, runs: int) -> list[Sample]:
    """An interpreter that only imports the libraries qatfix is built on, doing nothing else."""
    return repeat([sys.executable, "-c", LIBRARIES], runs, root)


def instruction_rows(root: Path) -> list[Row]:
    ours = instructions(SEED_ARGV, root)
    bare = instructions([sys.executable, "-c", "pass"], root)
    if ours is None or bare is None:
        return []
    return [Row("instructions of one seed check (valgrind)", ours, "M",
                versus=f"a bare `python -c pass`: {bare:.0f} M")]


def rows(runs: int = 15) -> list[Row]:
    root = need_tree()
    ours = qatfix_seed(root, runs)
    floor = python_floor(root, runs)
    theirs = ppdet_seed(root, max(3, runs // 5))
    ms = median_seconds(ours) * 1000
    floor_ms = median_seconds(floor) * 1000
    counted = instruction_rows(root)
    ratio = Row("seed check / (python + import ruamel.yaml), processor time, in turn",
                paired_ratio(SEED_ARGV, RUAMEL_ONLY, runs, root), "x", TARGET_RATIO)
    counted = [ratio, *counted]
    if theirs is None:
        return [
            Row("cold `qatfix check` of the seed pair", ms, "ms", TARGET_MS,
                versus=f"bare `python -c pass`: {floor_ms:.0f} ms (ppdet not installed)"),
            Row("peak memory of that run", median_peak_mb(ours), "MB", TARGET_MB,
                versus=f"bare interpreter: {median_peak_mb(floor):.0f} MB"),
            *counted,
        ]
    their_ms = median_seconds(theirs) * 1000
    libraries_ms = median_seconds(library_floor(root, runs)) * 1000
    return [
        Row("cold `qatfix check` of the seed pair", ms, "ms", TARGET_MS,
            versus=f"ppdet load_config + create + load_pretrain_weight: {their_ms / 1000:.2f} s"),
        Row("peak memory of that run", median_peak_mb(ours), "MB", TARGET_MB,
            versus=f"ppdet: {median_peak_mb(theirs):.0f} MB "
                   f"({median_peak_mb(theirs) / median_peak_mb(ours):.0f}x more)"),
        Row("speed-up over ppdet's way", their_ms / ms, "x", TARGET_SPEEDUP, at_least=True,
            versus=f"a bare `python -c pass` ({floor_ms:.0f} ms) would be "
                   f"{their_ms / floor_ms:.0f}x; importing ruamel.yaml, argparse, dataclasses "
                   f"and json and nothing else ({libraries_ms:.0f} ms) "
                   f"{their_ms / libraries_ms:.0f}x"),
        *counted,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sys.stdout.write(table(rows(args.runs)))


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
