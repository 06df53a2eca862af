"""Loading the weights registry must cost at most 10 ms (run by hand: python benchmarks/bench_registry.py).

Measures, in this process, reading and parsing registry/weights.json plus the first URL lookup
(which builds the URL index), and the same from the parse a check keeps beside the JSON
(`qatfix.registry.parse_cache`, what every run after the first reads), and prints the ratios to
the target; below 1.0 is within budget. Also shows that the loader reads once per process.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qatfix.registry import load_registry, parse_cache  # noqa: E402
from qatfix.registry.index import Registry  # noqa: E402
from qatfix.registry.loader import default_registry_path, read_registry, registry_from_data  # noqa: E402

TARGET_SECONDS = 0.010
RUNS = 50
SEED_URL = "ppdet://models/picodet_s_320_coco.pdparams"


def _look_up(registry: Registry, path: Path) -> None:
    if registry.get_url(SEED_URL) is None:
        raise SystemExit(f"{SEED_URL} is not in {path}")


def _median_seconds(step: Callable[[], None]) -> float:
    step()  # warm the file cache
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(path: Path) -> tuple[float, float]:
    """Median seconds to load + look up: parsing the JSON, and reading the kept parse."""
    from_json = _median_seconds(lambda: _look_up(read_registry(path), path))
    info = path.stat()
    with tempfile.TemporaryDirectory() as prefix:
        saved = sys.pycache_prefix, sys.dont_write_bytecode
        sys.pycache_prefix, sys.dont_write_bytecode = prefix, False
        try:
            parse_cache.store(path, info, json.loads(path.read_bytes()))

            def kept() -> None:
                data = parse_cache.load(path, info)
                if data is None:
                    raise SystemExit("the kept parse could not be read back")
                _look_up(registry_from_data(data, str(path)), path)

            from_kept = _median_seconds(kept)
        finally:
            sys.pycache_prefix, sys.dont_write_bytecode = saved
    return from_json, from_kept


def main() -> int:
    path = default_registry_path()
    from_json, from_kept = measure(path)
    start = time.perf_counter()
    first = load_registry()
    again = load_registry()
    cached = time.perf_counter() - start
    print(f"registry: {path} ({path.stat().st_size / 1e6:.2f} MB, {len(first)} entries)")
    print(f"load + first lookup, parsing the JSON: median {from_json * 1e3:.2f} ms over {RUNS} runs; "
          f"from the kept parse: {from_kept * 1e3:.2f} ms")
    print(f"load_registry() twice in one process: same object {first is again}, {cached * 1e3:.2f} ms")
    print(f"ratio to the {TARGET_SECONDS * 1e3:.0f} ms target: {from_json / TARGET_SECONDS:.2f} "
          f"(JSON), {from_kept / TARGET_SECONDS:.2f} (kept parse)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
