"""Helpers shared by the benchmark scripts (run by hand, never by the test suite)."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

REPO = Path(__file__).resolve().parent.parent
DEVELOP = REPO.parent / "shared" / "paddledetection" / "develop"
SEED_CONFIG = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SEED_SLIM = "configs/slim/quant/picodet_s_quant.yml"


def need_tree() -> Path:
    if not (DEVELOP / "configs").is_dir():
        sys.exit(f"benchmark needs the PaddleDetection develop tree at {DEVELOP}")
    return DEVELOP


def cold_runs(argv: Sequence[str], runs: int, cwd: Path) -> list[float]:
    """Wall time of `argv` in a fresh process, `runs` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(list(argv), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - start)
    return times


def median_ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000


def verdict(value: float, target: float, unit: str) -> str:
    state = "OK" if value <= target else "OVER TARGET"
    return f"{value:.1f} {unit} (target <= {target:g} {unit}, {value / target:.2f}x of target) {state}"
