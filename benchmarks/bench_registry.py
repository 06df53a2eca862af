"""Loading the weights registry must cost at most 10 ms (run by hand: python benchmarks/bench_registry.py).

Measures, in this process, reading and parsing registry/weights.json plus the first URL lookup
(which builds the URL index), and prints the ratio to the target; below 1.0 is within budget.
Also shows that the cached loader parses the file only once per process.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qatfix.registry import load_registry  # noqa: E402
from qatfix.registry.loader import default_registry_path, read_registry  # noqa: E402

TARGET_SECONDS = 0.010
RUNS = 50
SEED_URL = "ppdet://models/picodet_s_320_coco.pdparams"


def _load_and_look_up(path: Path) -> None:
    registry = read_registry(path)
    if registry.get_url(SEED_URL) is None:
        raise SystemExit(f"{SEED_URL} is not in {path}")


def main() -> int:
    path = default_registry_path()
    _load_and_look_up(path)  # warm the file cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        _load_and_look_up(path)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    start = time.perf_counter()
    first = load_registry()
    again = load_registry()
    cached = time.perf_counter() - start
    print(f"registry: {path} ({path.stat().st_size / 1e6:.2f} MB, {len(first)} entries)")
    print(f"load + first lookup: median {median * 1e3:.2f} ms, best {min(times) * 1e3:.2f} ms over {RUNS} runs")
    print(f"cached load_registry(): same object {first is again}, {cached * 1e3:.2f} ms for two calls")
    print(f"ratio to the {TARGET_SECONDS * 1e3:.0f} ms target: {median / TARGET_SECONDS:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
