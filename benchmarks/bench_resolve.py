"""Resolver speed: cold `qatfix resolve` of the seed pair, and the whole develop tree in one
process, each side by side with ppdet's own `load_config` on the same input.

    python benchmarks/bench_resolve.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import SEED_CONFIG, SEED_SLIM, cold_runs, median_ms, need_tree, verdict  # noqa: E402

PPDET_SEED = (
    "import ppdet.core.workspace as w\n"
    f"w.load_config({SEED_CONFIG!r}); w.load_config({SEED_SLIM!r})\n")


def tree_qatfix(root: str) -> tuple[float, int]:
    from qatfix.config import resolve
    from qatfix.run.discover import yaml_files

    configs = [p for p in yaml_files(os.path.join(root, "configs")) if "/_base_/" not in p]
    start = time.perf_counter()
    for path in configs:
        try:
            resolve(path)
        except Exception:
            pass
    return time.perf_counter() - start, len(configs)


def tree_ppdet(root: str) -> float | None:
    try:
        import ppdet.core.workspace as workspace
    except ImportError:
        return None
    import yaml

    yaml.Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    from qatfix.run.discover import yaml_files

    configs = [p for p in yaml_files(os.path.join(root, "configs")) if "/_base_/" not in p]
    import contextlib
    import io

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        for path in configs:
            workspace.global_config.clear()
            try:
                workspace.load_config(path)
            except Exception:
                pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    root = need_tree()
    ours = cold_runs([sys.executable, "-m", "qatfix", "resolve", "-c", SEED_CONFIG,
                      "--slim_config", SEED_SLIM], args.runs, root)
    theirs = cold_runs([sys.executable, "-c", PPDET_SEED], max(3, args.runs // 3), root)
    print(f"(a) cold resolve of the seed pair: {verdict(median_ms(ours), 100, 'ms')}")
    print(f"    ppdet load_config, cold: {median_ms(theirs):.0f} ms "
          f"-> qatfix is {median_ms(theirs) / median_ms(ours):.1f}x faster")
    seconds, count = tree_qatfix(str(root))
    print(f"(b) resolve all {count} configs of the develop tree: {verdict(seconds, 3, 's')}")
    ppdet_seconds = tree_ppdet(str(root))
    if ppdet_seconds is not None:
        print(f"    ppdet load_config on the same files: {ppdet_seconds:.2f} s "
              f"-> qatfix is {ppdet_seconds / seconds:.1f}x faster")


if __name__ == "__main__":
    main()
