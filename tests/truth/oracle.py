"""The truth about loading official weights into official models, and qatfix's verdict on it.

Truth comes from ppdet, never from qatfix: the installed ppdet's own `match_state_dict`
(ppdet/utils/checkpoint.py) runs on arrays of the shapes the real ppdet built for each config
(`registry/signatures/`): the model's against those of the config that trained the weights. What
it loads is ppdet's; a model tensor it leaves out is a class layer when ppdet paired it by name
with a weight whose shape differs from it in one dimension only, by k times the difference in
class count (k from 1 to 64: PicoDet's `head_cls` 112 vs 36 channels for 80 vs 4 classes,
YOLOv3's 255 vs 27 for three anchors, Faster R-CNN's box deltas four per class). The criterion
is this module's own: qatfix's forecast is what is being judged.

Verdict: qatfix's static rules run on the config exactly as a user runs them, in training
(`-o pretrain_weights=URL`) and in QAT (a slim config that sets `pretrain_weights`).
"""
from __future__ import annotations

import contextlib
import logging
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from qatfix.run.engine import contexts
from qatfix.registry import load_registry
from qatfix.registry.class_facts import class_facts
from qatfix.registry.networks import official_config
from qatfix.registry.records import WeightEntry
from qatfix.registry.signatures import configs_with_signature, signature_index, signature_of
from qatfix.registry.urls import canonical_url
from qatfix.rules import all_rules
from tests.conftest import require

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


#: the largest per-class multiple of a class layer's differing dimension
MAX_CLASS_MULTIPLE = 64


def ppdet_checkpoint() -> Any:
    """`ppdet.utils.checkpoint` of the installed paddledet (skips without paddle, fails in CI)."""
    from tests.deep.conftest import installed_runtime, ppdet_module

    return ppdet_module(installed_runtime(), "ppdet.utils.checkpoint")


def _arrays(shapes: Mapping[str, Sequence[int]]) -> dict[str, Any]:
    """An array of each shape (read-only views of one zero: no memory however large)."""
    numpy = require("numpy")
    zero = numpy.zeros((), dtype="float32")
    return {key: numpy.broadcast_to(zero, tuple(shape)) for key, shape in shapes.items()}


@contextlib.contextmanager
def _quiet_ppdet() -> Iterator[Any]:
    """ppdet's checkpoint module, its INFO line per unmatched tensor silenced meanwhile."""
    checkpoint = ppdet_checkpoint()
    logger = logging.getLogger("ppdet.utils.checkpoint")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield checkpoint
    finally:
        logger.setLevel(level)


def ppdet_match(model: Mapping[str, Sequence[int]], weights: Mapping[str, Sequence[int]]
                ) -> dict[str, Any] | None:
    """ppdet's `match_state_dict` on arrays of these shapes: model key -> the array it loads, or
    None when ppdet stops with its ambiguity error."""
    with _quiet_ppdet() as checkpoint:
        try:
            return dict(checkpoint.match_state_dict(_arrays(model), _arrays(weights)))
        except ValueError as exc:
            assert "Ambiguity weight" in str(exc), exc
            return None


def ppdet_partner(model_key: str, weights: Mapping[str, Sequence[int]]) -> str | None:
    """The weight key ppdet pairs `model_key` with by name, whatever the shapes: its
    `match_state_dict` run on that key alone, every array of one shape, each weight its own."""
    numpy = require("numpy")
    values = {key: numpy.zeros((), dtype="float32") for key in weights}
    by_id = {id(value): key for key, value in values.items()}
    with _quiet_ppdet() as checkpoint:
        found = checkpoint.match_state_dict({model_key: numpy.zeros((), dtype="float32")},
                                            values)
    return by_id[id(found[model_key])] if model_key in found else None


def explained_by_classes(model_shape: Sequence[int], weight_shape: Sequence[int],
                         model_classes: int, weights_classes: int) -> bool:
    """One dimension differs, by k (1..64) times the class-count difference, same sign."""
    if len(model_shape) != len(weight_shape):
        return False
    differing = [(m, w) for m, w in zip(model_shape, weight_shape) if m != w]
    if len(differing) != 1:
        return False
    (in_model, in_weights), = differing
    return any(in_model - in_weights == k * (model_classes - weights_classes)
               for k in range(1, MAX_CLASS_MULTIPLE + 1))


@lru_cache(maxsize=None)
def _truth(tree: str, config: str, weights_tree: str, weights_config: str,
           model_classes: int | None, weights_classes: int | None) -> str:
    model_signature = signature_of(tree, config)
    weights_signature = signature_of(weights_tree, weights_config)
    assert model_signature is not None and weights_signature is not None
    model, weights = dict(model_signature.shapes), dict(weights_signature.shapes)
    loaded = ppdet_match(model, weights)
    if loaded is None:
        return "other"
    left_out = [key for key in model if key not in loaded]
    if not left_out:
        return "fits"
    if model_classes is None or weights_classes is None or model_classes == weights_classes:
        return "other"
    for key in left_out:
        partner = ppdet_partner(key, weights)
        if partner is None or not explained_by_classes(model[key], weights[partner],
                                                       model_classes, weights_classes):
            return "other"
    return "classes"


def truth(pair: Pair, model_classes: int | None) -> str:
    """`fits`, `classes` or `other`: what ppdet's loader does with the pair (see the module)."""
    return _truth(pair.tree, pair.config, pair.weights.tree or "", pair.weights.config or "",
                  model_classes, pair.weights.num_classes)


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
