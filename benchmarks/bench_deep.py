"""`--deep` on the seed pair must take at most 6 s, paddle import included
(run by hand: python benchmarks/bench_deep.py [RUNS]).

Each run is a fresh process doing what `qatfix check --deep` adds: import paddle and ppdet, build
PicoDet-S-320 LCNet with the QAT slim config, build the weights signature (from the registry's
model sections of picodet_s_320_coco, or from the legacy config when the registry lacks them;
nothing is downloaded), match, and make the findings. Prints the median and its ratio to target.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (  # noqa: E402
    REPO, SEED_CONFIG, SEED_SLIM, cold_runs, median_ms, need_tree, verdict,
)

TARGET_SECONDS = 6.0
LEGACY = "configs/picodet/legacy_model/picodet_s_320_coco.yml"

RUN = """
import sys, tempfile
from qatfix.deep import run_deep_check
from qatfix.deep.weights import registry_entry
root, config, slim, legacy = sys.argv[1:5]
sections = None
if registry_entry("https://paddledet.bj.bcebos.com/models/picodet_s_320_coco.pdparams") is None:
    from qatfix.deep.build import config_model_sections
    sections = config_model_sections(f"{root}/{legacy}")
with tempfile.TemporaryDirectory() as cache:
    report = run_deep_check(f"{root}/{config}", f"{root}/{slim}", offline=True, cache_dir=cache,
                            weights_sections=sections)
    [finding] = report.findings()
    print(finding.message.split(".")[0])
"""


def main() -> None:
    root = need_tree()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    argv = [sys.executable, "-c", RUN, str(root), SEED_CONFIG, SEED_SLIM, LEGACY]
    import subprocess

    check = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"the deep check failed:\n{check.stderr}")
    print(f"seed pair: {check.stdout.strip()}")
    times = cold_runs(argv, runs, REPO)
    print(f"--deep, fresh process, median of {runs}: "
          f"{verdict(median_ms(times) / 1000, TARGET_SECONDS, 's')}")


if __name__ == "__main__":
    main()
