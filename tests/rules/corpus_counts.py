"""The corpus sweeps of both PaddleDetection trees and their reviewed per-code counts.

Two sweeps run qatfix's rules on each shared tree: every model config alone (`models`), and
every documented slim pair (`pairs`: README rows the registry records, and each quant,
post-quant and prune config with the config its weights were trained with). Errors must not
occur there (tests/rules/test_corpus.py); warnings and infos may, but how many of each code is
pinned in `corpus_counts.json`, so a rule that starts or stops firing on the real trees fails a
test with the difference. After a deliberate change, regenerate the file, review its diff and
commit it:

    python tests/rules/corpus_counts.py            # rewrite corpus_counts.json, print the changes
    python tests/rules/corpus_counts.py --check    # only print the changes; exit 1 if any
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the checkout first, as pytest has it
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qatfix.config import resolve  # noqa: E402
from qatfix.run.engine import check  # noqa: E402
from qatfix.run.plan import Run  # noqa: E402
from qatfix.findings import Finding  # noqa: E402
from qatfix.registry import load_registry  # noqa: E402
from tests.conftest import TREES, model_configs  # noqa: E402

COUNTS = Path(__file__).with_name("corpus_counts.json")
SWEEPS = ("models", "pairs")
COUNTED = ("warning", "info")


def documented_pairs(root: Path) -> list[tuple[str, str]]:
    """Slim configs with the model config they are documented with: the README rows the
    registry records, and each quant/post-quant/prune config with the config its weights were
    trained with."""
    registry = load_registry()
    pairs = {(e.config, e.slim_config) for e in registry
             if e.kind == "slim" and e.config and e.slim_config}
    for folder in ("quant", "post_quant", "prune"):
        for slim in sorted((root / "configs" / "slim" / folder).glob("*.yml")):
            data = resolve(str(slim)).data
            key = "weights" if data.get("slim") == "PTQ" else "pretrain_weights"
            entry = registry.lookup(str(data.get(key) or ""))
            if entry is not None and entry.config:
                pairs.add((entry.config, slim.relative_to(root).as_posix()))
    return sorted((c, s) for c, s in pairs if (root / c).is_file() and (root / s).is_file())


@lru_cache(maxsize=None)
def sweep(tree_name: str, kind: str) -> tuple[tuple[str, tuple[Finding, ...]], ...]:
    """(run, findings) for every run of one sweep of one tree, checked from the tree's root."""
    root = TREES[tree_name]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        if kind == "models":
            runs = [(p.relative_to(root).as_posix(), None) for p in model_configs(root)]
        else:
            runs = [(c, s) for c, s in documented_pairs(root)]
        return tuple((f"{c} {s}" if s else c, tuple(check(Run(c, s)))) for c, s in runs)
    finally:
        os.chdir(cwd)


def counts(tree_name: str, kind: str) -> dict[str, dict[str, int]]:
    """{severity: {code: findings}} of the warnings and infos of one sweep."""
    found: dict[str, Counter[str]] = {severity: Counter() for severity in COUNTED}
    for _, findings in sweep(tree_name, kind):
        for finding in findings:
            if finding.severity in found:
                found[finding.severity][finding.code] += 1
    return {severity: dict(sorted(codes.items())) for severity, codes in found.items()}


def current() -> dict[str, Any]:
    return {name: {kind: counts(name, kind) for kind in SWEEPS} for name in TREES}


def committed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(COUNTS.read_text(encoding="utf-8"))
    return data


def differences(expected: dict[str, dict[str, int]],
                found: dict[str, dict[str, int]]) -> list[str]:
    """One line per code whose count moved: `warning QF202: 1 -> 16`."""
    lines = []
    for severity in COUNTED:
        before, after = expected.get(severity, {}), found.get(severity, {})
        for code in sorted(set(before) | set(after)):
            if before.get(code, 0) != after.get(code, 0):
                lines.append(f"{severity} {code}: {before.get(code, 0)} -> {after.get(code, 0)}")
    return lines


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on changes")
    args = parser.parse_args(argv)
    missing = [name for name, root in TREES.items() if not (root / "configs").is_dir()]
    if missing:
        print(f"the shared trees {', '.join(missing)} are not in {TREES[missing[0]].parent}",
              file=sys.stderr)
        return 2
    found = current()
    old = committed() if COUNTS.is_file() else {}
    changed = False
    for name in TREES:
        for kind in SWEEPS:
            lines = differences(old.get(name, {}).get(kind, {}), found[name][kind])
            changed = changed or bool(lines)
            for line in lines:
                print(f"{name} {kind}: {line}")
    if not args.check:
        COUNTS.write_text(dump(found), encoding="utf-8")
        print(f"wrote {COUNTS}" + ("" if changed else " (no change)"))
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
