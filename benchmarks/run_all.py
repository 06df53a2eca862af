"""Every benchmark in one run, one table (Markdown, for README's performance section).

    python benchmarks/run_all.py [--runs 15] [--skip-deep]

Needs the PaddleDetection develop tree at ../shared/paddledetection/develop; the ppdet columns
and the `--deep` row need the [paddle] extra. Ratios are measured side by side in this run.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_check, bench_tree  # noqa: E402
from benchmarks._common import REPO, SEED_CONFIG, SEED_SLIM, need_tree  # noqa: E402
from benchmarks._measure import (  # noqa: E402
    Row, last_json, median_seconds, repeat, run_child, table,
)

HAVE_PPDET = importlib.util.find_spec("ppdet") is not None

TREE_RESOLVE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from benchmarks.bench_resolve import tree_ppdet, tree_qatfix
seconds, count = tree_qatfix(sys.argv[2])
theirs = tree_ppdet(sys.argv[2]) if sys.argv[3] == "1" else None
print(json.dumps({"seconds": seconds, "count": count, "ppdet": theirs}))
"""


def resolve_rows(root: Path, runs: int) -> list[Row]:
    from benchmarks.bench_resolve import PPDET_SEED

    ours = median_seconds(repeat([sys.executable, "-m", "qatfix", "resolve", "-c", SEED_CONFIG,
                                  "--slim_config", SEED_SLIM], runs, root)) * 1000
    versus = ""
    if HAVE_PPDET:
        theirs = median_seconds(repeat([sys.executable, "-c", PPDET_SEED], max(3, runs // 5),
                                       root)) * 1000
        versus = f"ppdet load_config: {theirs / 1000:.2f} s ({theirs / ours:.0f}x slower)"
    rows = [Row("cold `qatfix resolve` of the seed pair", ours, "ms", 100, versus=versus)]
    sample = run_child([sys.executable, "-c", TREE_RESOLVE, str(REPO), str(root),
                        "1" if HAVE_PPDET else "0"], root, capture=True)
    facts = last_json(sample)
    versus = ""
    if facts["ppdet"]:
        versus = (f"ppdet load_config: {facts['ppdet']:.2f} s "
                  f"({facts['ppdet'] / facts['seconds']:.1f}x slower)")
    rows.append(Row(f"resolve all {facts['count']} develop configs, one process",
                    facts["seconds"], "s", 3, versus=versus))
    return rows


def deep_rows(root: Path, runs: int) -> list[Row]:
    from benchmarks.bench_deep import LEGACY, RUN, TARGET_SECONDS

    argv = [sys.executable, "-c", RUN, str(root), SEED_CONFIG, SEED_SLIM, LEGACY]
    first = run_child(argv, REPO, capture=True)
    if first.code != 0:
        return [Row("`qatfix check --deep` of the seed pair: FAILED", 0, "s")]
    seconds = median_seconds(repeat(argv, runs, REPO, warmup=0))
    return [Row("`--deep` on the seed pair, fresh process (paddle import included)", seconds,
                "s", TARGET_SECONDS, versus=first.out.strip().splitlines()[-1])]


def registry_rows() -> list[Row]:
    from benchmarks.bench_registry import TARGET_SECONDS, measure
    from qatfix.registry.loader import default_registry_path

    path = default_registry_path()
    from_json, from_kept = measure(path)
    return [Row("load the weights registry + first lookup", from_json * 1000, "ms",
                TARGET_SECONDS * 1000, versus=f"{path.stat().st_size / 1e6:.2f} MB of JSON"),
            Row("the same from the parse kept beside it (every run after the first)",
                from_kept * 1000, "ms", TARGET_SECONDS * 1000, versus="marshal")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-deep", action="store_true")
    args = parser.parse_args()
    root = need_tree()
    rows: list[Row] = []
    sections = [
        ("seed check", lambda: bench_check.rows(args.runs)),
        ("seed resolve", lambda: resolve_rows(root, args.runs)),
        ("whole tree", lambda: bench_tree.rows(3)),
        ("registry", registry_rows),
    ]
    if HAVE_PPDET and not args.skip_deep:
        sections.append(("deep", lambda: deep_rows(root, 3)))
    for name, measure in sections:
        print(f"measuring: {name} ...", file=sys.stderr, flush=True)
        rows.extend(measure())
    sys.stdout.write(table(rows))
    missed = [r.what for r in rows if r.met is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
