"""`qatfix check DIR` over the whole PaddleDetection develop tree, and how its time grows.

    python benchmarks/bench_tree.py [--runs 3]

(a) a fresh `python -m qatfix check configs` in the develop tree: wall time and peak memory
    (target <= 5 s).
(b) growth: fresh processes that find the configs as `check DIR` does, then check 100, 200 and
    all of them (a fixed shuffle, so each sample mixes every kind of config). The time per config
    stays flat when the whole run is linear. Every `parse_text` call is counted by file: each
    file of the tree, base files included, must be parsed once per process.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import need_tree  # noqa: E402
from benchmarks._measure import (  # noqa: E402
    Row, last_json, median_peak_mb, median_seconds, repeat, run_child, table,
)  # noqa: E402

TARGET_SECONDS = 5.0
SIZES = ("100", "200", "all")

GROWTH = """
import collections, json, os, random, sys, time
import qatfix.config.loader as loader
parses = collections.Counter()
parse_text = loader.parse_text
def counted(text, path):
    if not path.startswith("<"):  # "<edit>": a fix's text read back, not a file
        parses[os.path.realpath(path)] += 1
    return parse_text(text, path)
loader.parse_text = counted
from qatfix.run.discover import configs_in
from qatfix.run.engine import check
from qatfix.run.plan import Run
from qatfix.errors import QatfixError
start = time.perf_counter()
configs = configs_in("configs")
found = time.perf_counter()
random.Random(0).shuffle(configs)
chosen = configs if sys.argv[1] == "all" else configs[:int(sys.argv[1])]
failed = 0
for config in chosen:
    try:
        check(Run(config))
    except QatfixError:
        failed += 1
done = time.perf_counter()
print(json.dumps({"configs": len(chosen), "discover": found - start, "check": done - found,
                  "parses": sum(parses.values()), "files": len(parses),
                  "most": max(parses.values()), "failed": failed}))
"""


def whole_tree(root: Path, runs: int) -> list[Row]:
    samples = repeat([sys.executable, "-m", "qatfix", "check", "configs"], runs, root)
    return [
        Row("cold `qatfix check configs/` (develop tree)", median_seconds(samples), "s",
            TARGET_SECONDS),
        Row("peak memory of that run", median_peak_mb(samples), "MB"),
    ]


def growth(root: Path) -> list[Row]:
    found = []
    for size in SIZES:
        sample = run_child([sys.executable, "-c", GROWTH, size], root, capture=True)
        if sample.code != 0:
            sys.exit(f"growth run for {size} configs failed")
        facts = last_json(sample)
        per_config = facts["check"] / facts["configs"] * 1000
        once = "each parsed once" if facts["most"] == 1 else f"some parsed {facts['most']}x"
        found.append(Row(
            f"check {facts['configs']} configs, one process (after finding them in "
            f"{facts['discover']:.2f} s)", facts["check"], "s",
            versus=f"{per_config:.1f} ms per config; {facts['parses']} parses of "
                   f"{facts['files']} files, {once}"))
    return found


def rows(runs: int = 3) -> list[Row]:
    root = need_tree()
    return whole_tree(root, runs) + growth(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.stdout.write(table(rows(args.runs)))


if __name__ == "__main__":
    main()
