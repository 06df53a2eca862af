"""Fresh-process measurements for the benchmark scripts: wall time and peak memory of one child,
and the table every script prints.

Children run with bytecode caching on, in a private cache folder (`PYTHONPYCACHEPREFIX`), after
one warm-up run, so a "cold" run costs what it costs for an installed package (pip compiles
bytecode at install time) whatever `PYTHONDONTWRITEBYTECODE` says; the repository is untouched.
Peak memory is the child's own `ru_maxrss`, read with `os.wait4`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

PYCACHE = Path(tempfile.gettempdir()) / "qatfix-bench-pycache"


@dataclass(frozen=True)
class Sample:
    """One child process: wall seconds, peak resident memory in MB, exit code, output, and the
    processor seconds it used (user + system, its own accounting: what moves least with load)."""

    seconds: float
    peak_mb: float
    code: int
    out: str = ""
    cpu: float = 0.0


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["NO_COLOR"] = "1"
    return env


def run_child(argv: Sequence[str], cwd: Path, *, capture: bool = False) -> Sample:
    """Run `argv` once; its wall time and its own peak RSS."""
    start = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, env=child_env(), text=True,
                             stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    out = ""
    if capture:
        assert child.stdout is not None
        out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return Sample(seconds, peak_mb, child.returncode, out, usage.ru_utime + usage.ru_stime)


def last_json(sample: Sample) -> Any:
    """The JSON a child printed last (ppdet prints warnings on stdout before it)."""
    return json.loads(sample.out.strip().splitlines()[-1])


def expect(argv: Sequence[str], cwd: Path, *, code: int, needle: str, what: str) -> None:
    """Run `argv` once and stop the benchmark unless it exits `code` and prints `needle`.

    An exit code alone proves little: a broken install exits 1 as fast as a real finding does.
    """
    sample = run_child(argv, cwd, capture=True)
    if sample.code != code or needle not in sample.out:
        sys.exit(f"{what} exited {sample.code} without printing {needle!r}, expected exit "
                 f"{code}: is qatfix installed (pip install -e .)?")


def repeat(argv: Sequence[str], runs: int, cwd: Path, *, warmup: int = 1) -> list[Sample]:
    for _ in range(warmup):
        run_child(argv, cwd)
    return [run_child(argv, cwd) for _ in range(runs)]


def paired_ratio(a: Sequence[str], b: Sequence[str], runs: int, cwd: Path) -> float:
    """The median, over `runs` pairs run in turn (a, b, a, b, ...), of a's processor time over
    b's: each pair sees the same load, so the ratio holds while the machine's speed drifts."""
    run_child(a, cwd), run_child(b, cwd)  # warm-up
    ratios = []
    for _ in range(runs):
        first, second = run_child(a, cwd), run_child(b, cwd)
        ratios.append(first.cpu / max(second.cpu, 1e-6))
    return statistics.median(ratios)


def instructions(argv: Sequence[str], cwd: Path) -> float | None:
    """Millions of instructions one run executes (valgrind's callgrind), None without valgrind.

    Unlike wall time this does not move with the machine's load: use it to compare commits.
    """
    if shutil.which("valgrind") is None:
        return None
    if sys.prefix == sys.base_prefix:  # outside a virtual environment, past any shim script
        argv = [os.path.realpath(sys.executable) if a == sys.executable else a for a in argv]
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *argv], cwd=cwd, env=child_env(), capture_output=True, text=True)
    found = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    return int(found.group(1)) / 1e6 if found else None


def median_seconds(samples: Sequence[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def median_peak_mb(samples: Sequence[Sample]) -> float:
    return statistics.median(s.peak_mb for s in samples)


@dataclass(frozen=True)
class Row:
    """One line of the results table; `target` is an upper bound unless `at_least`."""

    what: str
    value: float
    unit: str
    target: float | None = None
    at_least: bool = False
    versus: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target

    def cells(self) -> tuple[str, str, str, str]:
        shown = f"{self.value:.3g}" if self.value < 100 else f"{self.value:.0f}"
        value = f"{shown} {self.unit}"
        if self.target is None:
            target = ""
        else:
            sign = ">=" if self.at_least else "<="
            state = "ok" if self.met else "MISSED"
            target = f"{sign} {self.target:g} {self.unit} ({state})"
        return self.what, value, target, self.versus


def table(rows: Sequence[Row]) -> str:
    """A Markdown table (it pastes into README as it is)."""
    header = ("what", "measured", "target", "compared with")
    lines = [header, *(r.cells() for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]

    def fmt(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]),
                      *(fmt(r.cells()) for r in rows)]) + "\n"
