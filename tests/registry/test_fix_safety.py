"""The decision table of `weights_fix_safety`: when pointing a run at official weights is safe.

Each row starts from the bundled example's model (PicoDet-S-320 LCNet, 320x320, 80 classes,
COCO) and a real registry entry, changes one input, and states the safety and the reason that
must come out. Safe is the exception: every row but the exact float model of this network, in a
mode that loads a float model, is unsafe.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import pytest

from qatfix.config import resolve
from qatfix.model import identify
from qatfix.model.identity import ModelIdentity
from qatfix.registry import load_registry
from qatfix.registry.fix_safety import FLOAT_START_MODES, every_parameter_loads, weights_fix_safety
from qatfix.registry.records import WeightEntry
from tests.conftest import REPO

MODEL = REPO / "examples" / "picodet" / "configs" / "picodet" / "picodet_s_320_coco_lcnet.yml"
EXACT = "picodet_s_320_coco_lcnet"


def _identity() -> ModelIdentity:
    return identify(resolve(str(MODEL)).plain(), str(MODEL))


def _entry(name: str) -> WeightEntry:
    (entry,) = [e for e in load_registry() if e.name == name]
    return entry


def _same(value: Any) -> Any:
    return value


def _with(**changes: Any) -> Callable[[Any], Any]:
    """A copy with `changes`: a registry entry is a NamedTuple, an identity a dataclass."""
    return lambda record: (record._replace(**changes) if isinstance(record, WeightEntry)
                           else dataclasses.replace(record, **changes))


#: (row, mode, entry name, change to the entry, change to the identity, safety, reason phrase)
TABLE: list[tuple[str, str, str, Callable[[Any], Any], Callable[[Any], Any], str, str]] = [
    ("exact float model, QAT", "QAT", EXACT, _same, _same, "safe",
     "the official float model of exactly this network: every parameter loads, 320x320, "
     "80 classes, coco"),
    ("exact float model, PTQ", "PTQ", EXACT, _same, _same, "safe", "every parameter loads"),
    ("exact float model, PrunerQAT", "PrunerQAT", EXACT, _same, _same, "safe",
     "every parameter loads"),
    ("exact but listed legacy", "QAT", EXACT, _with(legacy=True), _same, "safe",
     "(listed as legacy, but the exact match)"),
    ("a training run chooses its own weights", "train", EXACT, _same, _same, "unsafe",
     "a train run starts from the weights you choose"),
    ("pruning chooses its own weights", "Pruner", EXACT, _same, _same, "unsafe",
     "a Pruner run starts from the weights you choose"),
    ("distillation chooses its own weights", "Distill", EXACT, _same, _same, "unsafe",
     "starts from the weights you choose"),
    ("a quantized model is no float start", "QAT", "picodet_s_416_coco_lcnet_quant", _same, _same,
     "unsafe", "is not a trained float model (slim)"),
    ("another input size", "QAT", "picodet_s_416_coco_lcnet", _same, _same, "unsafe",
     "trained at 416x416, the model runs at 320x320"),
    ("weights of unknown size", "QAT", EXACT, _with(input_size=None), _same, "unsafe",
     "trained at an unknown size"),
    ("model of unknown size", "QAT", EXACT, _same, _with(input_size=None), "unsafe",
     "the model runs at an unknown size"),
    ("another class count", "QAT", EXACT, _same, _with(num_classes=3), "unsafe",
     "trained for 80 classes, the model has 3 classes"),
    ("one class", "QAT", EXACT, _same, _with(num_classes=1), "unsafe", "the model has 1 class"),
    ("weights of unknown classes", "QAT", EXACT, _with(num_classes=None), _same, "unsafe",
     "trained for an unknown number of classes"),
    ("another dataset", "QAT", EXACT, _same, _with(dataset="voc"), "unsafe",
     "trained on coco, the model's dataset is voc"),
    ("weights of unknown dataset", "QAT", EXACT, _with(dataset=None), _same, "unsafe",
     "trained on an unknown dataset"),
    ("another network (legacy ESNet)", "QAT", "picodet_s_320_coco", _same, _same, "unsafe",
     "not the same network"),
    ("the registry cannot tell: no model sections", "QAT", EXACT, _with(model_json=None), _same,
     "unsafe", "the registry cannot tell whether every parameter loads"),
    ("the registry cannot tell: no architecture", "QAT", EXACT, _same,
     _with(architecture=None), "unsafe", "the registry cannot tell whether every parameter loads"),
    ("no signature: same model sections", "QAT", EXACT, _with(config="configs/x/unbuilt.yml"),
     _same, "safe", "every parameter loads"),
    ("no signature: another architecture", "QAT", EXACT,
     _with(config="configs/x/unbuilt.yml", architecture="YOLOv3"), _same, "unsafe",
     "not the same network"),
]


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_fix_safety_decision_table(row: tuple[Any, ...]) -> None:
    _, mode, name, change_entry, change_identity, safety, reason = row
    verdict = weights_fix_safety(mode, change_identity(_identity()), change_entry(_entry(name)))
    assert (verdict.safety, verdict.safe) == (safety, safety == "safe"), verdict
    assert reason in verdict.reason, verdict


def test_every_float_start_mode_is_in_the_table() -> None:
    assert set(FLOAT_START_MODES) <= {row[1] for row in TABLE if row[5] == "safe"}


@pytest.mark.parametrize("change_entry, change_identity, expected", [
    (_same, _same, True),
    (_with(model_json=None), _same, None),
    (_same, _with(architecture=None), None),
])
def test_every_parameter_loads_is_three_valued(change_entry: Callable[[Any], Any],
                                               change_identity: Callable[[Any], Any],
                                               expected: bool | None) -> None:
    """True, False or None ("cannot tell"): None must never be read as True."""
    found = every_parameter_loads(change_identity(_identity()), change_entry(_entry(EXACT)))
    assert found is expected
    assert every_parameter_loads(_identity(), _entry("picodet_s_320_coco")) is False
