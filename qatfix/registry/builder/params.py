"""Fill parameter counts with paddle: one fresh interpreter per distinct config, two at a time."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

from qatfix.registry.builder.assemble import counts_parameters, params_key
from qatfix.registry.records import WeightEntry

Progress = Callable[[int, int, str], None]


def count_entries(entries: Sequence[WeightEntry], roots: Mapping[str, Path], *, workers: int = 2,
                  progress: Optional[Progress] = None) -> dict[str, int]:
    """Parameter counts by "tree:config" for entries whose config's model is what the file holds.

    Configs ppdet cannot build (newer modules than the installed paddledet) are left out.
    """
    from qatfix.deep.count_params import try_count_parameters

    jobs = sorted({(entry.tree, entry.config) for entry in entries
                   if entry.config and entry.tree in roots and counts_parameters(entry.kind, entry.slim_method)})
    results: dict[tuple[str, str], Optional[int]] = {}

    def work(job: tuple[str, str]) -> tuple[tuple[str, str], Optional[int]]:
        return job, try_count_parameters(roots[job[0]], job[1])

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done, (job, count) in enumerate(pool.map(work, jobs), start=1):
            results[job] = count
            if progress:
                progress(done, len(jobs), f"{job[1]}: {count if count is not None else 'cannot build'}")
    return {params_key(*job): count for job, count in results.items() if count is not None}
