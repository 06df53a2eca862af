"""Rebuild the class facts and parameter names beside the signature store (registry/signatures).

One config of every signature (the develop tree's when it has one: what most users run) is built
again with ppdet at the counts of `class_builds.FACT_COUNTS` (`qatfix.deep.class_builds`, one
worker per tree). From the builds:

- `classes.json` (see `qatfix.registry.class_facts`): each affected dimension is fitted as
  `a * n + b` from the two other counts and checked against the signature's own count;
- `names.json` (see `qatfix.registry.param_names`): the generated name (`param.name`) of every
  convolution and linear weight, in state-dict order, as tools/train.py's model gets them;
- `components.json` (see `qatfix.registry.components`): the component names each tree's ppdet
  registers.

Neither file imports paddle to read; this module only runs the workers.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from qatfix.deep.class_builds import FACT_COUNTS, parse_count
from qatfix.deep.zoo_signatures import TreeBuild, _write_atomically, plan_tree, run_worker
from qatfix.errors import DeepCheckError
from qatfix.model.signature import Signature
from qatfix.registry.class_facts import SCHEMA_VERSION, _facts_from_data, shapes_at
from qatfix.registry.param_names import encode_names, named_key
from qatfix.registry.signatures import CLASSES, COMPONENTS, NAMES, read_index
from qatfix.config.loader import load_file
from qatfix.config.nodes import walk
from qatfix.errors import QatfixError

Progress = Callable[[str], None]


def representatives(index_configs: Mapping[str, Mapping[str, Any]],
                    trees: Sequence[str]) -> dict[str, tuple[str, str]]:
    """signature id -> (tree, config) built for it: of the first tree in `trees` order that has
    the signature, the first config outside `_base_` folders (a full config sets its dataset's
    `num_classes`), else the first config."""
    found: dict[str, tuple[str, str]] = {}
    rank = {name: number for number, name in enumerate(trees)}

    def order(tree: str, config: str) -> tuple[int, bool, str]:
        return rank[tree], "/_base_/" in config, config

    for key, entry in sorted(index_configs.items()):
        if "signature" not in entry:
            continue
        tree, _, config = key.partition(":")
        if tree not in rank:
            continue
        ident = str(entry["signature"])
        best = found.get(ident)
        if best is None or order(tree, config) < order(*best):
            found[ident] = (tree, config)
    return found


def _fit(points: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """(a, b) with value = a * n + b through every (n, value), integers; None when none."""
    (n1, v1), (n2, v2) = points[0], points[1]
    if n1 == n2 or (v2 - v1) % (n2 - n1):
        return None
    a = (v2 - v1) // (n2 - n1)
    b = v1 - a * n1
    return (a, b) if all(a * n + b == v for n, v in points) else None


def derive_facts(record: Mapping[str, Any], signature_keys: Sequence[Sequence[Any]],
                 counts: Sequence[str] = FACT_COUNTS) -> dict[str, Any]:
    """The class facts (see `qatfix.registry.class_facts`) of one `class_builds` record, against
    the stored signature ([[key, shape, kind], ...]) of the config at its own count."""
    source = record.get("config", "")
    if record.get("status") != "classes":
        return {"error": record.get("error") or f"not built ({record.get('status')})"}
    own = record.get("num_classes")
    base = {key: tuple(shape) for key, shape, *_ in signature_keys}
    builds = []
    unbuilt = []  # kept counts not built: the facts do not reach them
    for number, text in enumerate(counts):
        count = parse_count(text, own)
        if count == own:
            continue
        build = record["builds"].get(str(count))
        if build is None and number < len(counts) - 2:
            unbuilt.append(count)
            continue
        if build is None or "error" in build:
            why = build["error"] if build else "not built"
            return {"error": f"at {count} classes: {why}"}
        builds.append((count, {key: tuple(shape) for key, shape, _ in build["keys"]}))
    if len(builds) < 2:
        return {"error": "fewer than two other class counts were built"}
    (c1, s1), (c2, s2) = builds[-2:]
    points = builds[:-2]
    if list(s1) != list(s2):
        return {"error": f"the tensors differ between {c1} and {c2} classes"}
    if own is None:  # the count the signature was built at, if one affine rule gives it
        own = _own_count(base, (c1, s1), (c2, s2))
    removed = [key for key in base if key not in s1]
    added_keys = [key for key in s1 if key not in base]
    consistent = not removed and not added_keys
    dims: dict[str, list[list[int]]] = {}
    for key in s1:
        if key not in base or s1[key] == s2[key] == base[key]:
            continue
        if not len(base[key]) == len(s1[key]) == len(s2[key]):
            return {"error": f"{key} changes rank with the class count"}
        for axis, (d0, d1, d2) in enumerate(zip(base[key], s1[key], s2[key])):
            if d0 == d1 == d2:
                continue
            fitted = _fit([(c1, d1), (c2, d2)])
            if fitted is None:
                return {"error": f"{key} axis {axis} is not affine in the class count"}
            a, b = fitted
            if own is None or a * own + b != d0:
                consistent = False
            dims.setdefault(key, []).append([axis, a, b])
    added: dict[str, list[list[int]]] = {}
    for key in added_keys:
        axes = []
        for d1, d2 in zip(s1[key], s2[key]):
            fitted = _fit([(c1, d1), (c2, d2)])
            if fitted is None:
                return {"error": f"{key} is not affine in the class count"}
            axes.append(list(fitted))
        added[key] = axes
    if consistent:
        valid: list[int | None] = [1, None]
    elif own is not None and min(c1, c2) > own:
        valid = [own + 1, None]
    elif own is not None and max(c1, c2) < own:
        valid = [1, own - 1]
    else:
        return {"error": "the tensors do not follow one affine rule around the config's own "
                         f"count ({own})"}
    for count in unbuilt:
        if valid[0] is not None and valid[0] <= count < min(c1, c2):
            valid[0] = count + 1
    facts: dict[str, Any] = {"num_classes": own, "dims": dims, "valid": valid}
    if added:
        facts["added"] = added
    if removed:
        facts["removed"] = removed
    parsed = _facts_from_data(facts)
    assert parsed is not None
    kept = {}
    for count, shapes in points:
        if shapes_at_base(base, parsed, count) != shapes:
            kept[str(count)] = {key: list(shape) for key, shape in shapes.items()
                                if base.get(key) != shape}
            kept[str(count)]["-"] = [key for key in base if key not in shapes]
    if kept:
        facts["points"] = kept
    return facts


def shapes_at_base(base: Mapping[str, tuple[int, ...]], facts: Any, count: int
                   ) -> dict[str, tuple[int, ...]] | None:
    """The affine rule's shapes at `count` (no kept points)."""
    return shapes_at(Signature(dict(base), {}, {}, frozenset()), facts, count, points=False)


def _own_count(base: Mapping[str, tuple[int, ...]], *builds: tuple[int, Mapping[str, Any]]
               ) -> int | None:
    """The class count at which the builds' affine rule gives the stored shapes."""
    (c1, s1), (c2, s2) = builds
    for key, shape in base.items():
        if key not in s1 or s1[key] == s2[key] or len(s1[key]) != len(shape):
            continue
        for d0, d1, d2 in zip(shape, s1[key], s2[key]):
            fitted = _fit([(c1, d1), (c2, d2)])
            if d1 != d2 and fitted is not None and fitted[0] and (d0 - fitted[1]) % fitted[0] == 0:
                return (d0 - fitted[1]) // fitted[0]
    return None


def names_of_record(record: Mapping[str, Any]) -> list[tuple[str, list[int], str]] | None:
    """[(key, shape, name)] of the build at the config's own count (else the first), when every
    build gave each key the same name."""
    own = str(record.get("num_classes"))
    builds = sorted((b for b in record.get("builds", {}).values() if "keys" in b),
                    key=lambda b: b is not record["builds"].get(own))  # the own count first
    if not builds:
        return None
    first = {key: name for key, _, name in builds[0]["keys"]}
    for build in builds[1:]:
        if any(first.get(key, name) != name for key, _, name in build["keys"]):
            return None
    return [(key, shape, name) for key, shape, name in builds[0]["keys"]]


def classes_text(signatures: Mapping[str, Mapping[str, Any]], counts: Sequence[str]) -> str:
    """classes.json: one signature per line."""
    items = sorted(signatures.items())
    lines = ["{", f'"schema_version": {SCHEMA_VERSION},', f'"counts": {json.dumps(list(counts))},',
             '"signatures": {']
    for number, (ident, facts) in enumerate(items):
        comma = "," if number < len(items) - 1 else ""
        lines.append(f"{json.dumps(ident)}: {json.dumps(facts, sort_keys=True)}{comma}")
    lines += ["}", "}"]
    return "\n".join(lines) + "\n"


def write_class_store(output: Path, records: Mapping[str, Mapping[str, Any]],
                      wanted: Mapping[str, tuple[str, str]]) -> tuple[int, int]:
    """Derive and write classes.json and names.json for the signatures in `wanted` from the
    records ("tree:config" -> record); (signatures with facts, without)."""
    facts: dict[str, dict[str, Any]] = {}
    names: dict[str, list[Any]] = {}
    for ident, (tree, config) in sorted(wanted.items()):
        record = records.get(f"{tree}:{config}")
        if record is None:
            continue
        stored = json.loads((output / f"{ident}.json").read_text())["keys"]
        data = derive_facts(record, stored)
        data["from"] = f"{tree}:{config}"
        facts[ident] = data
        named = names_of_record(record)
        by_key = {key: name for key, _, name in named or ()}
        wanted_keys = [(k, s) for k, s, _ in stored if named_key(k, s)]
        if named is not None and all(k in by_key for k, _ in wanted_keys):
            names[ident] = encode_names([(k, s, by_key[k]) for k, s in wanted_keys])
    _write_atomically(output / CLASSES, classes_text(facts, FACT_COUNTS))
    lines = ["{"] + [f"{json.dumps(i)}: {json.dumps(t, separators=(',', ':'))},"
                     for i, t in sorted(names.items())]
    if len(lines) > 1:
        lines[-1] = lines[-1].rstrip(",")
    _write_atomically(output / NAMES, "\n".join(lines + ["}"]) + "\n")
    return sum("error" not in f for f in facts.values()), sum("error" in f for f in facts.values())


def build_class_store(roots: Sequence[Path], output: Path, work: Path, *,
                      timeout: float = 300.0, progress: Progress | None = None
                      ) -> tuple[int, int]:
    """Build one config of every signature in `output`'s index at other class counts with its
    tree's ppdet and write the facts; (signatures with facts, without)."""
    from qatfix.deep.zoo_worker import read_results

    trees = [plan_tree(Path(r)) for r in roots]
    index = read_index(output)
    order = sorted((t.name for t in trees), key=lambda name: (name != "develop", name))
    wanted = representatives(index.configs, order)
    work.mkdir(parents=True, exist_ok=True)
    records: dict[str, Mapping[str, Any]] = {}
    for tree in trees:
        configs = sorted({c for t, c in wanted.values() if t == tree.name})
        results = work / f"{tree.name}.classes.jsonl"
        if configs:
            run_worker(tree, "qatfix.deep.class_builds", results, timeout, progress, configs,
                       extra=("--counts", ",".join(FACT_COUNTS)), what=" at other class counts")
        for config, record in read_results(results).items():
            records[f"{tree.name}:{config}"] = record
    names = {tree.name: _components(tree) for tree in trees}
    renamed = renames({t.name: t.root for t in trees}, names)
    _write_atomically(output / COMPONENTS, components_text(names, renamed))
    return write_class_store(output, records, wanted)


def _components(tree: TreeBuild) -> list[str]:
    command = [sys.executable, "-m", "qatfix.deep.class_builds", "--root", str(tree.root),
               "--components"]
    if tree.checkout:
        command.insert(5, "--checkout")
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise DeepCheckError(f"listing the components of {tree.name} failed: {last}")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def renames(roots: Mapping[str, Path], names: Mapping[str, Sequence[str]]
            ) -> dict[str, str]:
    """A component name one tree's ppdet has and another's not -> the name the other has, where the
    same config file of both trees names one in place of the other."""

    found: dict[str, str] = {}
    trees = sorted(roots)
    for number, first in enumerate(trees):
        for second in trees[number + 1:]:
            only = {first: set(names[first]) - set(names[second]),
                    second: set(names[second]) - set(names[first])}
            files = {p.relative_to(roots[first]) for p in (roots[first] / "configs").rglob("*.yml")}
            for relative in sorted(files):
                other = roots[second] / relative
                if not other.is_file():
                    continue
                try:
                    values = [{path: value for path, value, _ in walk(load_file(str(root)))
                               if isinstance(value, str)}
                              for root in (roots[first] / relative, other)]
                except QatfixError:
                    continue
                for path, value in values[0].items():
                    new = values[1].get(path)
                    if value in only[first] and new in only[second]:
                        found[value] = str(new)
                    elif new in only[first] and value in only[second]:
                        found[str(new)] = value
    return dict(sorted(found.items()))


def components_text(names: Mapping[str, Sequence[str]], renamed: Mapping[str, str]) -> str:
    """components.json: one tree per line, and the renames."""
    lines = ["{"] + [f"{json.dumps(t)}: {json.dumps(sorted(n))}," for t, n in sorted(names.items())]
    lines.append(f'"renamed": {json.dumps(dict(renamed), sort_keys=True)}')
    return "\n".join(lines + ["}"]) + "\n"
