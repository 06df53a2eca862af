"""`identify`: what a checkpoint is without a model to compare it with (no paddle): the stored
configs whose network it holds, its kind, the load figure and the official weights of that
network and kind."""
from __future__ import annotations

import pickle
from pathlib import Path

from qatfix.registry import load_registry
from qatfix.registry.checkpoints import identify
from qatfix.registry.signatures import signature_of
from tests.conftest import require, trained_checkpoint

MODEL = "configs/picodet/picodet_s_320_coco_lcnet.yml"
SAME_NETWORK = {MODEL, "configs/picodet/picodet_s_416_coco_lcnet.yml"}


def test_float_checkpoint_matches_float_weights_only(tmp_path: Path) -> None:
    path = trained_checkpoint(tmp_path / "output" / "picodet_s_320_coco_lcnet" / "model_final.pdparams")
    found = identify(str(path), load_registry())
    assert found.facts.kind == "float" and found.facts.loads == (463, 463)
    assert found.configs[0][0] == MODEL  # named in the path: first
    assert {c for c, _ in found.configs} == SAME_NETWORK
    names = {m.name: m for m in found.matches}
    assert names["picodet_s_320_coco_lcnet"].how == "signature"
    assert "picodet_s_416_coco_lcnet_quant" not in names
    assert {m.kind for m in found.matches} == {"float"}


def test_pruned_checkpoint_is_found_by_its_names(tmp_path: Path) -> None:
    numpy = require("numpy")
    signature = signature_of("develop", MODEL)
    assert signature is not None
    state = {key: numpy.zeros(shape, dtype="float32") for key, shape in signature.shapes.items()}
    kernel = next(k for k, s in signature.shapes.items() if len(s) == 4 and s[0] > 1)
    shape = signature.shapes[kernel]
    state[kernel] = numpy.zeros((shape[0] // 2, *shape[1:]), dtype="float32")
    path = tmp_path / "pruned.pdparams"
    path.write_bytes(pickle.dumps(state, protocol=4))

    found = identify(str(path), load_registry())
    assert found.facts.kind == "pruned" and kernel in found.facts.detail
    assert {c for c, _ in found.configs} == SAME_NETWORK
    assert found.facts.loads == (462, 463)  # the smaller kernel is dropped, as ppdet drops it
    assert all(m.kind == "pruned" for m in found.matches if m.how == "signature")


def test_own_classes_are_no_pruning(tmp_path: Path) -> None:
    """A user's own training for 4 classes: the same network, its class layers smaller."""
    numpy = require("numpy")
    signature = signature_of("develop", MODEL)
    assert signature is not None
    state = {key: numpy.zeros(tuple(4 if dim == 80 and "cls" in key else dim for dim in shape),
                              dtype="float32") for key, shape in signature.shapes.items()}
    path = tmp_path / "model_final.pdparams"
    path.write_bytes(pickle.dumps(state, protocol=4))

    found = identify(str(path), load_registry())
    assert found.facts.kind == "float" and found.facts.classes == 4
    assert found.network_classes == 80 and found.facts.loads == (447, 463)
    assert {c for c, _ in found.configs} == SAME_NETWORK
    assert not [m for m in found.matches if m.how == "signature"]  # 80-class weights: not these


def test_unknown_network_and_no_registry(tmp_path: Path) -> None:
    numpy = require("numpy")
    path = tmp_path / "mine.pdparams"
    path.write_bytes(pickle.dumps({"a.weight": numpy.zeros((3, 3), dtype="float32")}, protocol=4))
    found = identify(str(path))
    assert found.configs == () and found.facts.loads is None and found.matches == ()
    assert found.registry_entries == 0
