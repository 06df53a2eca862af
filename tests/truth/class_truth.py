"""Custom-dataset truth: an official config started from its own published weights at another
`num_classes`, as users fine-tune it; ppdet's answer against qatfix's.

Cases: every config (of either shared tree) with a committed signature whose relative path is the
config an official float detector checkpoint was trained with, at the class counts
`class_builds.TRUTH_COUNTS` (1, 4 and the weights' own count + 5: none of them a count the
registry's class facts were derived from), in training and in QAT.

Truth, from ppdet only: the model is built by ppdet at that class count (`qatfix.deep.class_builds`,
the tree's own ppdet, in a forked child per build); the weights' side is the signature ppdet built
for the config that trained them (registry/signatures); ppdet's own `match_state_dict` pairs them.
A tensor that does not load is a class layer when ppdet's build of the same config at the weights'
class count (the committed signature) loads it or has no such tensor (it exists only at this
count: MCFairMOT's one-class re-identification classifier); the verdict is `fits` (every tensor loads),
`classes` (only class layers fail), `other` (anything else) or `error` (ppdet's ambiguity error).

qatfix: its static rules on the run as a user writes it (`-o num_classes=N`, weights from
`-o pretrain_weights=URL` in training, a QAT slim config setting them in QAT): QF101 claims
`other`, QF104 `classes`, neither `fits`; the figure they give must be ppdet's; a QF107 (not
checked) is counted as such, never as agreement.

    QATFIX_TRUTH=all python -m pytest tests/truth/test_class_count_truth.py -s

runs every case (building each config three times with ppdet: tens of minutes on two cores;
QATFIX_TRUTH_WORK=DIR keeps the builds for a rerun); without QATFIX_TRUTH=all a fixed sample.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from qatfix.deep.class_builds import TRUTH_COUNTS, parse_count
from qatfix.deep.runtime import quiet
from qatfix.deep.zoo_signatures import plan_tree
from qatfix.deep.zoo_worker import read_results
from qatfix.run.engine import contexts
from qatfix.registry.signatures import signature_of
from qatfix.rules import all_rules
from tests.truth.oracle import QAT_SLIM, float_checkpoints

#: what qatfix's weights findings claim, and the figure it gives
CODES = ("QF101", "QF102", "QF104", "QF105", "QF107")
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    """One config of one tree, at one class count, from its own published weights."""

    tree: str
    config: str
    classes: int
    weights_name: str
    weights_url: str
    weights_tree: str
    weights_config: str
    weights_classes: int


@dataclass(frozen=True)
class Truth:
    """What ppdet does with a case."""

    verdict: str
    loaded: int
    total: int


def own_weights() -> dict[str, Any]:
    """config (relative path) -> the official float detector checkpoint it trained (the first
    by name when several)."""
    found: dict[str, Any] = {}
    for entry in sorted(float_checkpoints(), key=lambda e: e.name):
        if entry.kind == "detector" and entry.config and entry.num_classes:
            found.setdefault(entry.config, entry)
    return found


def cases(roots: Mapping[str, Path], configs: Iterable[tuple[str, str]] | None = None
          ) -> list[Case]:
    """Every case of the (tree, config) pairs (default: every config with own weights in every
    tree of `roots`)."""
    weights = own_weights()
    wanted = [(tree, config) for tree in sorted(roots) for config in sorted(weights)] \
        if configs is None else [(t, c) for t, c in configs if t in roots]
    found = []
    for tree, config in wanted:
        entry = weights.get(config)
        if entry is None or signature_of(tree, config) is None:
            continue
        for text in TRUTH_COUNTS:
            found.append(Case(tree, config, parse_count(text, entry.num_classes), entry.name,
                              entry.url, entry.tree, entry.config, entry.num_classes))
    return found


def ppdet_builds(roots: Mapping[str, Path], wanted: Sequence[Case], work: Path
                 ) -> dict[tuple[str, str], dict[str, Any]]:
    """(tree, config) -> the `class_builds` record of ppdet's builds at the truth counts (built
    now, or read from `work` where a previous run left them)."""
    records: dict[tuple[str, str], dict[str, Any]] = {}
    work.mkdir(parents=True, exist_ok=True)
    for tree in sorted({c.tree for c in wanted}):
        results = work / f"{tree}.truth.jsonl"
        configs = sorted({c.config for c in wanted if c.tree == tree})
        plan = plan_tree(roots[tree])
        command = [sys.executable, "-m", "qatfix.deep.class_builds", "--root", str(plan.root),
                   "--results", str(results), "--counts", ",".join(TRUTH_COUNTS), *configs]
        if plan.checkout:
            command.insert(5, "--checkout")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p))
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
        for config, record in read_results(results).items():
            records[(tree, config)] = record
    return records


class _Value:
    """What ppdet's match_state_dict reads of a tensor: its shape."""

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = list(shape)


#: ppdet's loading at the weights' class count, by the (id of the) signatures it pairs: the same
#: for every count of a case (the committed signatures are read once per process)
_REFERENCES: dict[tuple[int, int], Any] = {}


def ppdet_truth(ppdet_match: Any, model: Mapping[str, Sequence[int]],
                at_weights_count: Mapping[str, Sequence[int]],
                weights: Mapping[str, Sequence[int]]) -> Truth:
    """ppdet's match_state_dict on the model (built at the case's count) and the weights; the
    tensors that fail checked against the model built at the weights' count."""
    values = {k: _Value(s) for k, s in weights.items()}
    try:
        with quiet():  # ppdet logs a line per tensor it skips
            loaded = ppdet_match({k: _Value(s) for k, s in model.items()}, values)
    except ValueError:
        return Truth("error", 0, len(model))
    if len(loaded) == len(model):
        return Truth("fits", len(loaded), len(model))
    key = (id(at_weights_count), id(weights))
    reference = _REFERENCES.get(key)
    if reference is None:
        with quiet():
            reference = ppdet_match({k: _Value(s) for k, s in at_weights_count.items()}, values)
        _REFERENCES[key] = reference
    failing = set(model) - set(loaded)
    # caused by the class count: it loads at the weights' count, or exists only at this one
    verdict = "classes" if failing <= set(reference) | (set(model) - set(at_weights_count)) \
        else "other"
    return Truth(verdict, len(loaded), len(model))


def model_at(record: Mapping[str, Any], classes: int) -> dict[str, tuple[int, ...]] | None:
    build = record.get("builds", {}).get(str(classes))
    if not build or "keys" not in build:
        return None
    return {key: tuple(shape) for key, shape, _ in build["keys"]}


def qatfix_claim(case: Case, root: Path, mode: str, scratch: Path) -> tuple[str, dict[str, Any]]:
    """(claimed verdict, findings by code with their data) of qatfix's static rules."""
    config = str(root / case.config)
    options = [f"num_classes={case.classes}"]
    if mode == "train":
        found = contexts(config, None, [*options, f"pretrain_weights={case.weights_url}"])
    else:
        slim = scratch / f"{case.weights_name}_qat.yml"
        if not slim.exists():
            slim.write_text(QAT_SLIM.format(url=case.weights_url), encoding="utf-8")
        found = contexts(config, str(slim), options)
    rules = [r for code, r in all_rules().items() if code in CODES]
    issues: dict[str, Any] = {}
    for rule in rules:
        for issue in rule.check(found[0]):
            issues[rule.code] = (issue.severity or rule.severity, dict(issue.data), issue.message)
    if "QF107" in issues:
        return "not checked", issues
    if "QF101" in issues:
        return "other", issues
    if "QF104" in issues:
        return "classes", issues
    return "fits", issues


def disagreement(case: Case, mode: str, truth: Truth, claim: str, issues: Mapping[str, Any]
                 ) -> str:
    """Why qatfix's answer is not ppdet's ("" when it is)."""
    if claim != truth.verdict:
        return f"ppdet {truth.verdict} ({truth.loaded} of {truth.total}); qatfix {claim}"
    code = {"classes": "QF104", "other": "QF101"}.get(claim)
    if code:
        severity, data, message = issues[code]
        if (data.get("loaded"), data.get("tensors")) != (truth.loaded, truth.total):
            return (f"ppdet loads {truth.loaded} of {truth.total}; qatfix says "
                    f"{data.get('loaded')} of {data.get('tensors')}: {message}")
        wanted = "warning" if code == "QF104" and mode == "qat" else \
            "error" if code == "QF101" and mode == "qat" else None
        if wanted and severity != wanted:
            return f"{code} is {severity} in {mode}, not {wanted}"
    return ""


def run(roots: Mapping[str, Path], wanted: Sequence[Case], work: Path, scratch: Path,
        ppdet_match: Any, unchecked: list[str] | None = None) -> tuple[Counter[str], list[str]]:
    """Tally ("agree", "disagree", "not checked", "no ppdet build") and the disagreements;
    the cases qatfix did not check are appended to `unchecked`."""
    records = ppdet_builds(roots, wanted, work)
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    for case in wanted:
        record = records.get((case.tree, case.config), {})
        model = model_at(record, case.classes)
        at_own = signature_of(case.tree, case.config)
        if model is None and record.get("num_classes") == case.classes and at_own is not None:
            model = dict(at_own.shapes)  # the config's own count: ppdet's committed build
        weights = signature_of(case.weights_tree, case.weights_config)
        if model is None or at_own is None or weights is None:
            tally["no ppdet build"] += 2
            continue
        truth = ppdet_truth(ppdet_match, model, at_own.shapes, weights.shapes)
        for mode in ("train", "qat"):
            claim, issues = qatfix_claim(case, roots[case.tree], mode, scratch)
            problem = "" if claim == "not checked" else disagreement(case, mode, truth, claim,
                                                                     issues)
            tally[f"ppdet {truth.verdict}"] += 1
            if claim == "not checked":
                tally["not checked"] += 1
                if unchecked is not None:
                    unchecked.append(f"{mode} {case.tree}:{case.config} at {case.classes}: "
                                     f"{issues['QF107'][2]}")
            elif problem:
                tally["disagree"] += 1
                wrong.append(f"{mode} {case.tree}:{case.config} at {case.classes} classes "
                             f"<- {case.weights_name}: {problem}")
            else:
                tally["agree"] += 1
    return tally, wrong
