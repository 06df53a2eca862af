"""`qatfix registry build`: rebuild, optionally count parameters, write registry and report."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from qatfix.registry.builder.assemble import BuildResult, build_registry
from qatfix.registry.builder.files import (
    NUM_PARAMS_FILE, TREES_FILE, format_num_params, read_json_object, read_num_params, write_atomically,
)
from qatfix.registry.builder.trees import open_tree


@dataclass(frozen=True)
class BuildPlan:
    """What one `qatfix registry build` reads and writes."""

    roots: tuple[Path, ...]
    output: Path
    report: Path
    trees_file: Path
    num_params_file: Path
    with_paddle: bool = False
    check: bool = False


@dataclass(frozen=True)
class BuildOutcome:
    """What a build made, and whether the written files changed."""

    result: BuildResult
    changed: bool
    written: tuple[Path, ...]


def plan_for(roots: Sequence[str], output: Path, report: Optional[Path], with_paddle: bool,
             check: bool) -> BuildPlan:
    """Data files and report sit next to the output unless named."""
    folder = output.parent
    return BuildPlan(tuple(Path(r) for r in roots), output, report or folder / "build_report.txt",
                     folder / TREES_FILE, folder / NUM_PARAMS_FILE, with_paddle, check)


def execute(plan: BuildPlan, progress: Callable[[int, int, str], None] | None = None) -> BuildOutcome:
    """Build; with `check`, only say whether the committed file is up to date."""
    tree_info = read_json_object(plan.trees_file, "tree information")
    num_params = read_num_params(plan.num_params_file)
    result = build_registry(plan.roots, tree_info=tree_info, num_params=num_params)
    written: list[Path] = []
    if plan.with_paddle:
        from qatfix.registry.builder.params import count_entries

        roots = {open_tree(r).label: r for r in plan.roots}
        counted = count_entries(result.entries, roots, progress=progress)
        num_params = {**num_params, **counted}
        result = build_registry(plan.roots, tree_info=tree_info, num_params=num_params)
        if not plan.check:
            write_atomically(plan.num_params_file, format_num_params(num_params))
            written.append(plan.num_params_file)
    try:
        current = plan.output.read_text(encoding="utf-8")
    except OSError:
        current = None
    changed = current != result.text
    if not plan.check:
        write_atomically(plan.output, result.text)
        write_atomically(plan.report, result.report)
        written += [plan.output, plan.report]
    return BuildOutcome(result, changed, tuple(written))
