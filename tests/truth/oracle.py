"""The truth about loading official weights into official models, and qatfix's verdict on it.

Truth: the state-dict signature of each config as the real ppdet built it (`registry/signatures/`),
matched against the signature of the config that trained the weights with `match_state_dict`
(qatfix's paddle-free copy, which `tests/deep/test_matching.py` holds equal to ppdet's; a sample is
re-checked here with ppdet's own function). A model tensor that does not load is a class layer when
its shape differs from the weight's in one dimension by a multiple of the class-count difference.

Verdict: qatfix's static rules run on the config exactly as a user runs them, in training
(`-o pretrain_weights=URL`) and in QAT (a slim config that sets `pretrain_weights`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from qatfix.engine import contexts
from qatfix.model.load_forecast import forecast
from qatfix.registry import load_registry
from qatfix.registry.class_facts import class_facts
from qatfix.registry.networks import official_config
from qatfix.registry.records import WeightEntry
from qatfix.registry.signatures import configs_with_signature, signature_index, signature_of
from qatfix.registry.urls import canonical_url
from qatfix.rules import all_rules

WEIGHTS_CODES = ("QF101", "QF102", "QF104", "QF105")

QAT_SLIM = """\
pretrain_weights: {url}
slim: QAT
QAT:
  quant_config: {{activation_preprocess_type: PACT, weight_quantize_type: channel_wise_abs_max,
    activation_quantize_type: moving_average_abs_max, weight_bits: 8, activation_bits: 8,
    dtype: int8, window_size: 10000, moving_rate: 0.9, quantizable_layer_type: [Conv2D, Linear]}}
  print_model: False
"""


@dataclass(frozen=True)
class Pair:
    """One official config with one official weights file."""

    tree: str
    config: str
    weights: WeightEntry
    #: True when an official recipe of this very network (same signature) starts from the weights
    own_start: bool


def float_checkpoints() -> list[WeightEntry]:
    """Registry entries whose state dict is that of the config they were trained with."""
    found = []
    for entry in load_registry():
        if entry.kind == "detector" and not entry.is_float_model:
            continue
        if entry.kind not in ("detector", "pretrained") or not entry.tree or not entry.config:
            continue
        if signature_of(entry.tree, entry.config) is not None:
            found.append(entry)
    return found


def recipe_starts() -> dict[str, set[str]]:
    """Signature id -> the `pretrain_weights` official configs of that network start from."""
    starts: dict[str, set[str]] = {}
    for tree, config in configs_with_signature():
        facts = official_config(tree, config)
        ident = signature_index().entry(tree, config)
        if facts is not None and facts.pretrain_weights and ident:
            starts.setdefault(ident["signature"], set()).add(facts.pretrain_weights)
    return starts


def pairs(roots: dict[str, Path], sample: int | None, seed: int = 20261201) -> list[Pair]:
    """Every config with a signature against every float checkpoint of its architecture trained
    by another config: those its network's official recipes start from all, the others a fixed
    random sample when `sample` is given."""
    by_architecture: dict[str, list[WeightEntry]] = {}
    for entry in float_checkpoints():
        by_architecture.setdefault(entry.architecture or "", []).append(entry)
    starts = recipe_starts()
    own: list[Pair] = []
    other: list[Pair] = []
    for tree, config in configs_with_signature():
        facts = official_config(tree, config)
        if tree not in roots or facts is None:
            continue
        network_starts = starts.get(signature_index().entry(tree, config)["signature"], set())
        for entry in by_architecture.get(facts.architecture, ()):
            if entry.tree == tree and entry.config == config:
                continue  # a config's own result: circular, never a candidate
            if canonical_url(entry.url) in network_starts:
                own.append(Pair(tree, config, entry, True))
            else:
                other.append(Pair(tree, config, entry, False))
    if sample is not None and sample < len(other):
        other = random.Random(seed).sample(other, sample)
    return own + other


def truth(pair: Pair, model_classes: int | None) -> str:
    """`fits`, `classes` or `other`: what ppdet's loader does with the pair."""
    model = signature_of(pair.tree, pair.config)
    weights = signature_of(pair.weights.tree or "", pair.weights.config or "")
    assert model is not None and weights is not None
    return forecast(model.shapes, weights.shapes, model_classes=model_classes,
                    weights_classes=pair.weights.num_classes).verdict


def verdict_codes(pair: Pair, root: Path, mode: str, scratch: Path) -> dict[str, str]:
    """The weights findings qatfix reports for the pair: code -> severity."""
    config = str(root / pair.config)
    if mode == "train":
        found = contexts(config, None, [f"pretrain_weights={pair.weights.url}"])
    else:
        slim = scratch / f"{pair.weights.name}_qat.yml"
        if not slim.exists():
            slim.write_text(QAT_SLIM.format(url=pair.weights.url), encoding="utf-8")
        found = contexts(config, str(slim))
    rules = [r for code, r in all_rules().items() if code in WEIGHTS_CODES]
    codes: dict[str, str] = {}
    ctx = found[0]
    for rule in rules:
        for issue in rule.check(ctx):
            codes[rule.code] = issue.severity or rule.severity
    return codes


def model_classes(pair: Pair) -> int | None:
    """The model's class count: the config's, else (a base config that sets none) the count
    ppdet's builds show its network has."""
    facts = official_config(pair.tree, pair.config)
    if facts and facts.classes:
        return facts.classes
    built = class_facts(pair.tree, pair.config)
    return built.num_classes if built else None


def category(codes: Iterable[str]) -> str:
    """The truth category qatfix's findings claim."""
    found = set(codes)
    if "QF101" in found:
        return "other"
    if "QF104" in found:
        return "classes"
    return "fits"
