"""Plant known bugs one at a time and show which tests catch each.

Each bug is a small text replacement in one module. For every bug the repository's tracked files
are copied into a temporary folder (next to a link to the shared PaddleDetection trees, so the
corpus tests run too), the bug is planted in the copy, and the tests that should notice it run on
the copy in a fresh process with the copy first on PYTHONPATH (so the `qatfix` executable and
test subprocesses use the planted code as well). A bug no test catches is a hole in the suite.

    python tests/mutation/plant.py                 # every bug
    python tests/mutation/plant.py shape-rank      # only the named ones
    python tests/mutation/plant.py --list          # names and what they change
    python tests/mutation/plant.py --rev HEAD~3    # the suite as it was at a commit

Exit status 1 when some bug is caught by fewer than `--min-failing` tests (default 2: one test
is luck, two are coverage) or a replacement no longer applies. Each bug runs only the tests
listed with it (about what it breaks), so every bug takes seconds to a few minutes of CPU.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The tests each bug is run against: the ones about what it breaks (a subset, so that planting
# every bug stays within minutes of CPU; the corpus and truth tests need ../shared and paddle).
CONFIG_TESTS = ("tests/config/test_resolve.py", "tests/config/test_yaml11.py",
                "tests/hostile/test_bases.py", "tests/rules/test_config_rules.py")
OPTIONS_TESTS = (*CONFIG_TESTS,
                 "tests/config/test_ppdet_equivalence.py::"
                 "test_slim_pairs_and_options_resolve_like_ppdet")
MATCH_TESTS = ("tests/deep/test_matching.py", "tests/model/test_matching_edges.py",
               "tests/model/test_matching_suffixes.py", "tests/model/test_load_forecast.py",
               "tests/truth/test_forecast_is_ppdets.py")
REPORT_TESTS = ("tests/cli/test_check_cli.py", "tests/cli/test_gate_table.py",
                "tests/rules/test_config_rules.py", "tests/report")
GATE_TESTS = ("tests/cli/test_gate_table.py", "tests/rules/test_config_rules.py",
              "tests/cli/test_check_cli.py")
WRITE_TESTS = ("tests/edit/test_write_faults.py", "tests/edit/test_apply.py",
               "tests/hostile/test_filesystem.py")
EDIT_TESTS = ("tests/edit/test_write_faults.py", "tests/edit/test_apply.py",
              "tests/edit/test_replace.py", "tests/edit/test_insert.py",
              "tests/edit/test_delete.py", "tests/edit/test_base.py", "tests/edit/test_diff.py",
              "tests/edit/test_properties.py", "tests/edit/test_one_writer.py")
SAFETY_TESTS = ("tests/registry/test_fix_safety.py", "tests/cli/test_trusted_fixes.py")
TRUTH_TESTS = ("tests/truth/test_loading_truth.py", "tests/model/test_load_forecast.py",
               "tests/rules/weights/test_weights_rules.py")
STEP_TESTS = ("tests/after/test_steps_cli.py",
              "tests/cli/test_shared_edits_cli.py::test_ptq_new_slim_file_is_run_with_post_quant")
NOT_YAML_TESTS = ("tests/hostile/test_bad_files.py",
                  "tests/cli/test_every_way.py::test_a_file_named_like_a_command_is_still_a_file")
SWEEP_TESTS = ("tests/rules/test_corpus.py", "tests/rules/test_reader_sizes_table.py",
               "tests/rules/test_config_rules.py", "tests/rules/reader/test_normalization.py")


@dataclass(frozen=True)
class Bug:
    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = (
    Bug("base-merge-order", "an earlier `_BASE_` entry wins over a later one",
        "qatfix/config/resolve.py",
        "all_base = self._merge(self._load_with_base(target, (*chain, path)), all_base)",
        "all_base = self._merge(all_base, self._load_with_base(target, (*chain, path)))",
        CONFIG_TESTS),
    Bug("yaml11-yes-on", "`yes`/`on` (and `Yes`, `ON`...) stay strings instead of YAML 1.1 booleans",
        "qatfix/config/yaml11.py",
        "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
        "no|No|NO|true|True|TRUE|false|False|FALSE|off|Off|OFF",
        CONFIG_TESTS),
    Bug("options-on-off-strings", "`-o use_gpu=off` gives the string 'off'",
        "qatfix/config/options.py",
        "    return parse_text(text, label).construct()",
        "    value = parse_text(text, label).construct()\n"
        "    return text.strip() if text.strip().lower() in ('on', 'off', 'yes', 'no') else value",
        OPTIONS_TESTS),
    Bug("options-not-after-slim", "`-o` is not merged again after the slim config",
        "qatfix/config/resolve.py",
        "if options and options_after_slim:",
        "if options and not options_after_slim:",
        CONFIG_TESTS),
    Bug("shape-rank", "shapes compared by rank only, so [80, 96, 1, 1] fits [112, 96, 1, 1]",
        "qatfix/model/matching.py",
        "            if model_shape != weight_shape:\n                mismatches.append(",
        "            if len(model_shape) != len(weight_shape):\n                mismatches.append(",
        MATCH_TESTS),
    Bug("suffix-without-dot", "a weight key matches any string suffix (`conv.weight` fits "
        "`head.xconv.weight`)",
        "qatfix/model/matching.py",
        "    for suffix in _suffixes(model_key):\n        for weight_key in by_suffix.get(suffix, ()):",
        "    for suffix, keys in by_suffix.items():\n"
        "        for weight_key in (keys if model_key.endswith(suffix) else ()):",
        MATCH_TESTS),
    Bug("severity-threshold", "`--fail-on` is exclusive: only findings worse than it fail",
        "qatfix/run/gate.py",
        "SEVERITY_RANK[f.severity] <= limit",
        "SEVERITY_RANK[f.severity] < limit",
        REPORT_TESTS),
    Bug("suppression-any-code", "`# qatfix: ignore[QF201]` hides every code on its line",
        "qatfix/run/gate.py",
        "return codes is None or finding.code in {c.strip().upper() for c in codes.split(\",\")}",
        "return True",
        REPORT_TESTS),
    Bug("suppression-next-line", "a suppression comment also silences the line after it",
        "qatfix/run/gate.py",
        "match = _SUPPRESS.search(self.line(finding.location.path, finding.location.line))",
        "match = _SUPPRESS.search(self.line(finding.location.path, finding.location.line)) \\\n"
        "            or _SUPPRESS.search(self.line(finding.location.path, "
        "finding.location.line - 1))",
        GATE_TESTS),
    Bug("gate-ignore-always-wins", "`--select QF101 --ignore QF1` hides QF101: any ignore match "
        "wins over a longer select",
        "qatfix/run/gate.py",
        "return ignored is None or selected > ignored",
        "return ignored is None",
        GATE_TESTS),
    Bug("gate-hides-unchecked", "`--select`/`--ignore` and comments can hide QF000/QF002/QF003",
        "qatfix/run/gate.py",
        "kept = (f for f in findings if f.code in UNCHECKED_CODES",
        "kept = (f for f in findings if False",
        GATE_TESTS),
    Bug("write-in-place", "`--apply` rewrites the file in place instead of a temporary file and "
        "os.replace",
        "qatfix/edit/apply.py",
        "    temp = _temporary_copy(source, real, data)\n    try:\n        os.chmod(temp,",
        "    _check_unchanged(source)\n"
        "    with open(real, 'r+b') as handle:\n"
        "        handle.truncate(0)\n"
        "        handle.write(data)\n"
        "    return\n"
        "    temp = _temporary_copy(source, real, data)\n    try:\n        os.chmod(temp,",
        WRITE_TESTS),
    Bug("splice-adjacent-merge", "edits of one fix on adjacent lines merge into one edit",
        "qatfix/edit/apply.py",
        "return lo < g_hi or (lo == hi == g_lo == g_hi)",
        "return lo <= g_hi or (lo == hi == g_lo == g_hi)",
        EDIT_TESTS),
    Bug("fix-safety-cannot-tell", "\"the registry cannot tell\" whether every parameter loads "
        "counts as safe",
        "qatfix/registry/fix_safety.py",
        "    if not loads:\n",
        "    if loads is False:\n",
        SAFETY_TESTS),
    Bug("class-layer-abs", "the class-count step of a class layer is taken as its absolute "
        "value (a model with more classes than its weights loses its class layers)",
        "qatfix/model/load_forecast.py",
        "    step = weights_classes - model_classes\n",
        "    step = abs(weights_classes - model_classes)\n",
        TRUTH_TESTS),
    Bug("qf202-range-boundary", "an eval size equal to the largest multi-scale training size "
        "counts as outside the range (QF202)",
        "qatfix/rules/reader/sizes.py",
        "if not low <= reference.size[0] <= high:",
        "if not low <= reference.size[0] < high:",
        SWEEP_TESTS),
    Bug("resize-keep-ratio-default", "a Resize without `keep_ratio` is taken as keep_ratio "
        "false (ppdet's default is true)",
        "qatfix/rules/reader/sizes.py",
        "if name == \"Resize\" and not args.get(\"keep_ratio\", True):",
        "if name == \"Resize\" and not args.get(\"keep_ratio\", False):",
        SWEEP_TESTS),
    Bug("rule-crash-ptq", "a rule crashes on a config: QF904's rule raises on a post_quant run "
        "with a PTQ slim config (the run it has nothing to say about)",
        "qatfix/rules/deploy/step_slim.py",
        "    if ctx.mode == \"PTQ\":\n        return\n    if ctx.slim_own is None:",
        "    if ctx.mode == \"PTQ\":\n        raise KeyError(\"target0\")\n"
        "    if ctx.slim_own is None:",
        STEP_TESTS),
    Bug("not-yaml-traceback", "a config named without .yml/.yaml stops qatfix with ppdet's own "
        "assert (a traceback) instead of a QF000 finding and one error line",
        "qatfix/config/resolve.py",
        "        if not path.endswith(YAML_SUFFIXES):\n"
        "            raise ConfigError(\"only .yml and .yaml files are configs (ppdet asserts this)\",\n"
        "                              path=path)",
        "        assert path.endswith(YAML_SUFFIXES), \"config files support yaml format only\"",
        NOT_YAML_TESTS),
)


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p]


def make_copy(where: Path, rev: str | None = None) -> Path:
    """The tracked files (as they are in the work tree, or at commit `rev`) under `where/repo`,
    with `where/shared` linking to the shared trees when they exist."""
    copy = where / "repo"
    copy.mkdir()
    if rev is not None:
        archive = subprocess.run(["git", "archive", "--format=tar", rev], cwd=REPO,
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(copy, filter="data")
    for rel in [] if rev is not None else tracked_files():
        source = REPO / rel
        if not source.is_file():
            continue
        target = copy / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    shared = REPO.parent / "shared"
    if shared.is_dir():
        (where / "shared").symlink_to(shared)
    return copy


def plant(copy: Path, bug: Bug) -> None:
    path = copy / bug.path
    text = path.read_text(encoding="utf-8")
    if text.count(bug.old) != 1:
        raise SystemExit(f"{bug.name}: the text to replace occurs {text.count(bug.old)} times in "
                         f"{bug.path}; update the bug")
    path.write_text(text.replace(bug.old, bug.new), encoding="utf-8")


_FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


def run_tests(copy: Path, bug: Bug) -> tuple[list[str], float, str]:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    env.pop("QATFIX_REVERSE", None)
    present = [t for t in bug.tests if (copy / t.split("::")[0]).exists()]
    if not present:
        return [], 0.0, "none of its tests exists in this suite"
    command = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
               "-p", "no:randomly", *present]
    start = time.monotonic()
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True)
    took = time.monotonic() - start
    failed = sorted(set(_FAILED.findall(done.stdout)))
    tail = done.stdout.strip().splitlines()[-1:] or [done.stderr.strip()[-200:]]
    return failed, took, tail[0]


def table(rows: list[tuple[Bug, list[str], float, str]], min_failing: int = 2) -> str:
    lines = ["| planted bug | caught | failing tests | tests run | time |",
             "|---|---|---|---|---|"]
    for bug, failed, took, _ in rows:
        shown = ", ".join(f"`{f}`" for f in failed[:4]) + (f" (+{len(failed) - 4} more)"
                                                          if len(failed) > 4 else "")
        lines.append(f"| {bug.name}: {bug.what} | {'yes' if len(failed) >= min_failing else '**NO**'} "
                     f"({len(failed)}) | {shown or '-'} | {' '.join(bug.tests)} | {took:.0f} s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="bugs to plant (default: all)")
    parser.add_argument("--list", action="store_true", help="list the bugs and exit")
    parser.add_argument("--min-failing", type=int, default=2,
                        help="fewest failing tests that count as caught (default 2)")
    parser.add_argument("--rev", help="plant into the files of this commit instead of the work tree "
                                      "(to compare the suite before and after a change)")
    args = parser.parse_args(argv)
    known = {b.name: b for b in BUGS}
    if args.list:
        for bug in BUGS:
            print(f"{bug.name:24} {bug.path}: {bug.what}")
        return 0
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown bug(s): {', '.join(unknown)}; see --list")
    chosen = [known[n] for n in args.names] if args.names else list(BUGS)
    rows = []
    for bug in chosen:
        with tempfile.TemporaryDirectory(prefix="qatfix-plant-") as where:
            copy = make_copy(Path(where), args.rev)
            try:
                plant(copy, bug)
            except SystemExit as exc:
                if args.rev is None:
                    raise
                # an older suite's code may not hold the text (or hold the bug already)
                print(f"{bug.name}: not planted at {args.rev}: {exc}", file=sys.stderr)
                rows.append((bug, [], 0.0, f"not planted at {args.rev}"))
                continue
            failed, took, summary = run_tests(copy, bug)
        print(f"{bug.name}: {len(failed)} failing ({summary})", file=sys.stderr, flush=True)
        rows.append((bug, failed, took, summary))
    print(table(rows, args.min_failing))
    caught = sum(len(failed) >= args.min_failing for _, failed, _, _ in rows)
    print(f"\n{caught} of {len(rows)} planted bugs fail at least {args.min_failing} tests "
          f"(kill rate {caught / len(rows):.0%}); "
          f"{sum(bool(failed) for _, failed, _, _ in rows)} fail at least one")
    return 0 if caught == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
