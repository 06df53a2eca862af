"""The pure matcher against hand-made cases and against ppdet's own match_state_dict: the
installed paddledet 2.6.0 (release-2.6's ppdet) in this process, and the develop checkout's own
`ppdet/utils/checkpoint.py` (which differs) in a process of its own."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qatfix.model.matching import match_state_dict
from qatfix.errors import DeepCheckError
from tests.conftest import require, tree
from tests.deep.conftest import ppdet_module

TREE_PPDET = Path(__file__).resolve().parent / "tree_ppdet.py"


def test_longest_dotted_suffix_wins() -> None:
    result = match_state_dict(
        {"backbone.res2.branch2a.conv.weight": (4, 3)},
        {"res2.branch2a.conv.weight": (4, 3), "branch2a.conv.weight": (4, 3)},
    )
    assert result.loaded == (("backbone.res2.branch2a.conv.weight", "res2.branch2a.conv.weight"),)
    assert result.unused_weights == ("branch2a.conv.weight",)
    assert result.full_fit


def test_suffix_must_start_at_a_dot() -> None:
    result = match_state_dict({"head.xconv.weight": (2,)}, {"conv.weight": (2,)})
    assert result.not_matched == ("head.xconv.weight",)
    assert result.loaded_count == 0
    assert result.unused_weights == ("conv.weight",)


def test_backbone_res5_weights_match_without_their_prefix() -> None:
    result = match_state_dict({"bbox_head.res5.a.weight": (2,)}, {"backbone.res5.a.weight": (2,)})
    assert result.loaded == (("bbox_head.res5.a.weight", "backbone.res5.a.weight"),)


def test_shape_mismatch_is_skipped_but_counts_as_used() -> None:
    result = match_state_dict({"head.cls.weight": (80, 96, 1, 1)},
                              {"head.cls.weight": (112, 96, 1, 1)})
    assert result.loaded_count == 0 and result.from_scratch_count == 1
    assert str(result.shape_mismatches[0]) == \
        "head.cls.weight: weights [112, 96, 1, 1] vs model [80, 96, 1, 1]"
    assert result.unused_weights == ()
    assert result.ppdet_lines("paddle") == [
        "The shape paddle.Size([112, 96, 1, 1]) in pretrained weight head.cls.weight is "
        "unmatched with the shape [80, 96, 1, 1] in model head.cls.weight. And the weight "
        "head.cls.weight will not be loaded"]


def test_weight_claimed_twice_is_ppdets_ambiguity_error() -> None:
    result = match_state_dict({"a.conv.weight": (2,), "b.conv.weight": (2,)},
                              {"conv.weight": (2,)})
    assert result.error == ("Ambiguity weight conv.weight loaded, it matches at least "
                            "b.conv.weight and a.conv.weight in the model")
    assert not result.full_fit


def test_no_weights_fails_like_ppdet() -> None:
    with pytest.raises(DeepCheckError, match="argmax of an empty sequence"):
        match_state_dict({"a.weight": (1,)}, {})


# -- equivalence with paddledet's own function ---------------------------------------------------

# "xconv" and "ab" end in other parts ("conv", "b"): ppdet matches only suffixes starting at a dot
PARTS = ["backbone", "neck", "head", "res5", "conv", "xconv", "bn", "weight", "bias", "a", "b", "ab",
         "modelStudent", "modelTeacher"]
SHAPES = [(1,), (2,), (2, 3)]
keys = st.lists(st.sampled_from(PARTS), min_size=1, max_size=4).map(".".join)


@st.composite
def key_sets(draw: Any) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Model keys, and weights made of their suffixes (some `backbone.`-prefixed) plus noise."""
    model = draw(st.dictionaries(keys, st.sampled_from(SHAPES), max_size=10))
    weights: dict[str, tuple[int, ...]] = {}
    for key in model:
        if draw(st.booleans()):
            parts = key.split(".")
            suffix = ".".join(parts[draw(st.integers(0, len(parts) - 1)):])
            if draw(st.integers(0, 4)) == 0:
                suffix = "backbone." + suffix
            weights[suffix] = draw(st.sampled_from(SHAPES))
    weights.update(draw(st.dictionaries(keys, st.sampled_from(SHAPES), max_size=4)))
    return model, weights


def _ppdet(model: Mapping[str, Any], weights: Mapping[str, Any], log: list[str]) -> Any:
    from qatfix.deep.runtime import load_runtime

    ppdet_match = ppdet_module(load_runtime(), "ppdet.utils.checkpoint").match_state_dict
    del log[:]
    try:
        return ppdet_match(model, weights)
    except ValueError as exc:
        return exc


def assert_same_as_ppdet(model: Mapping[str, Any], weights: Mapping[str, Any], log: list[str],
                         shape_style: str) -> None:
    """Our result on the shapes equals ppdet's on the arrays: loads, lines, and errors."""
    model_shapes = {k: tuple(v.shape) for k, v in model.items()}
    weight_shapes = {k: tuple(v.shape) for k, v in weights.items()}
    expected = _ppdet(model, weights, log)
    if not weights:
        assert isinstance(expected, ValueError)
        with pytest.raises(DeepCheckError):
            match_state_dict(model_shapes, weight_shapes)
        return
    ours = match_state_dict(model_shapes, weight_shapes)
    assert log == ours.ppdet_lines(shape_style)  # type: ignore[arg-type]
    if isinstance(expected, ValueError):
        assert str(expected) == ours.error
        return
    assert ours.error is None
    by_identity = {id(v): k for k, v in weights.items()}
    assert {m: by_identity[id(v)] for m, v in expected.items()} == ours.loaded_mapping()


EXAMPLES = [
    ({"backbone.res2.conv.weight": (2,)}, {"res2.conv.weight": (2,), "conv.weight": (2,)}),
    ({"head.cls.weight": (2, 3)}, {"cls.weight": (2,), "head.cls.weight": (1,)}),
    ({"a.conv.weight": (2,), "b.conv.weight": (2,)}, {"conv.weight": (2,)}),
    ({"a.conv.weight": (2,), "b.conv.weight": (1,)}, {"conv.weight": (2,)}),
    ({"bbox_head.res5.a": (1,)}, {"backbone.res5.a": (1,), "res5.a": (1,)}),
    ({"q.aaaaaaaa.res5.c": (1,)}, {"aaaaaaaa.res5.c": (1,), "backbone.res5.c": (1,)}),
    ({"q.zzzzzzzz.res5.c": (1,)}, {"zzzzzzzz.res5.c": (1,), "backbone.res5.c": (1,)}),
    ({"a.weight": (1,)}, {}),
    ({}, {"a.weight": (1,)}),
    ({"a.": (1,)}, {"": (1,)}),
    # the same keys on both sides, one of them `backbone.res5`: both model keys pick it (scored at
    # its full length, compared as `res5`) and ppdet raises
    ({"res5": (1,), "backbone.res5": (1,)}, {"res5": (1,), "backbone.res5": (1,)}),
    # ... unless the second claim's shapes differ: skipped before the ambiguity check, so it loads
    ({"res5": (2,), "backbone.res5": (1,)}, {"res5": (2,), "backbone.res5": (1,)}),
    # a mismatch before the ambiguity is logged, one after it is not (ppdet has raised)
    ({"a.conv.weight": (2,), "b.conv.weight": (2,), "c.conv.weight": (1,), "0.conv.weight": (1,)},
     {"conv.weight": (2,)}),
    ({"": (1,)}, {"": (1,)}),
    # the model has more classes than its weights: the class tensors are dropped by shape
    ({"backbone.conv.weight": (16, 3, 3, 3), "head.reg.weight": (32, 16, 3, 3),
      "head.cls.weight": (90, 16, 3, 3), "head.cls.bias": (90,)},
     {"backbone.conv.weight": (16, 3, 3, 3), "head.reg.weight": (32, 16, 3, 3),
      "head.cls.weight": (80, 16, 3, 3), "head.cls.bias": (80,)}),
    # a first claim dropped for its shape claims nothing: two later claims that fit still raise
    ({"a.conv.weight": (1,), "b.conv.weight": (2,), "c.conv.weight": (2,)},
     {"conv.weight": (2,)}),
    ({"a.conv.weight": (1,), "b.conv.weight": (2,)}, {"conv.weight": (2,)}),
    # suffixes only where a dot starts them
    ({"backbone.conv1.weight": (4,), "backbone.1.weight": (4,), "head.aweight": (4,),
      "head.a.weight": (4,)}, {"1.weight": (4,), "a.weight": (4,)}),
    ({"a.weight": (2,), "aweight": (2,), "weight": (2,)}, {"weight": (2,)}),
    # a teacher/student checkpoint: develop's ppdet logs the model keys nothing matches instead
    ({"head.conv.weight": (2,), "backbone.a": (1,)},
     {"modelStudent.head.conv.weight": (2,), "modelTeacher.backbone.a": (1,)}),
    ({"modelStudent.head.conv.weight": (2,), "head.b": (1,)},
     {"modelStudent.head.conv.weight": (2,), "modelTeacher.head.b": (1,)}),
]


def with_examples(test: Any) -> Any:
    for pair in EXAMPLES:
        test = example(pair=pair)(test)
    return test


def with_mode_examples(test: Any) -> Any:
    for pair in EXAMPLES:
        for mode in ("student", "teacher"):
            test = example(pair=pair, mode=mode)(test)
    return test


@pytest.mark.paddle
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(pair=key_sets())
@with_examples
def test_generated_pairs_match_ppdet(runtime: Any, ppdet_log: list[str],
                                     pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    import numpy as np

    model, weights = pair
    model_arrays = {k: np.zeros(s, dtype="float32") for k, s in model.items()}
    weight_arrays = {k: np.zeros(s, dtype="float32") for k, s in weights.items()}
    assert_same_as_ppdet(model_arrays, weight_arrays, ppdet_log, "numpy")


@pytest.mark.paddle
@pytest.mark.parametrize("model_name, weights_name", [
    ("lcnet", "esnet"), ("esnet", "lcnet"), ("lcnet", "lcnet"), ("esnet", "esnet")])
def test_real_model_and_weights_pairs_match_ppdet(request: pytest.FixtureRequest, runtime: Any,
                                                  ppdet_log: list[str], model_name: str,
                                                  weights_name: str) -> None:
    model = request.getfixturevalue(model_name)
    saved = request.getfixturevalue(weights_name)
    weights = runtime.paddle.load(str(saved.path))
    assert_same_as_ppdet(model.state(), weights, ppdet_log, runtime.shape_style())


@pytest.mark.paddle
def test_backbone_only_weights_load_by_suffix(runtime: Any, lcnet: Any,
                                              ppdet_log: list[str]) -> None:
    """ImageNet-style backbone files have no `backbone.` prefix; suffix matching loads them."""
    backbone = {k: v for k, v in lcnet.model.backbone.state_dict().items()}
    assert_same_as_ppdet(lcnet.state(), backbone, ppdet_log, runtime.shape_style())
    result = match_state_dict(lcnet.shapes(), {k: tuple(v.shape) for k, v in backbone.items()})
    assert result.loaded_count == len(backbone) > 0
    assert {m.split(".")[0] for m, _ in result.loaded} == {"backbone"}


# -- the develop checkout's own ppdet, for develop configs ---------------------------------------

class TreePpdet:
    """A tree's ppdet answering match requests from a process of its own (see tree_ppdet.py)."""

    def __init__(self, root: Path, installed: bool = False) -> None:
        self.root = root
        self.flags = ["--installed"] if installed else []
        self.process = subprocess.Popen(
            [sys.executable, str(TREE_PPDET), str(root), *self.flags, "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        ready = json.loads(self._read())
        self.checkpoint_file = Path(ready["ready"])
        #: this ppdet logs unmatched model keys for teacher/student checkpoints (develop's does)
        self.distill_lines = "in model is not matched with pretrained weights" in \
            self.checkpoint_file.read_text(encoding="utf-8")

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the ppdet of {self.root} exited ({self.process.poll()})"
        return line

    def match(self, model: Mapping[str, Any], weights: Mapping[str, Any],
              mode: str | None = None) -> dict[str, Any]:
        assert self.process.stdin is not None
        request = {"model": {k: list(v) for k, v in model.items()},
                   "weights": {k: list(v) for k, v in weights.items()},
                   **({"mode": mode} if mode else {})}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return json.loads(self._read())

    def build(self, configs: list[str]) -> dict[str, dict[str, tuple[int, ...]]]:
        """The state dict shapes of the models the tree's ppdet builds from `configs`, each in a
        fresh process (ppdet keeps every loaded config in its global config), side by side."""
        running = {c: subprocess.Popen([sys.executable, str(TREE_PPDET), str(self.root),
                                        *self.flags, "build", c], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True) for c in configs}
        shapes = {}
        for config, process in running.items():
            out, err = process.communicate(timeout=600)
            assert process.returncode == 0, err[-2000:]
            shapes[config] = {k: tuple(v) for k, v in json.loads(out).items()}
        return shapes

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def develop_ppdet() -> Iterator[TreePpdet]:
    require("paddle")
    root = tree("develop")
    oracle = TreePpdet(root)
    assert oracle.checkpoint_file == (root / "ppdet" / "utils" / "checkpoint.py").resolve()
    yield oracle
    oracle.close()


def assert_same_as(oracle: TreePpdet, model: Mapping[str, Any], weights: Mapping[str, Any],
                   mode: Any = "default") -> Any:
    """Our result on the shapes equals the oracle's: loads, log lines and errors."""
    theirs = oracle.match(model, weights, None if mode == "default" else mode)
    if not weights:
        assert theirs["error"] is not None and "empty sequence" in theirs["error"]
        with pytest.raises(DeepCheckError):
            match_state_dict(model, weights, mode)
        return None
    ours = match_state_dict(model, weights, mode)
    assert theirs["lines"] == ours.ppdet_lines("numpy", distill_weights=oracle.distill_lines)
    assert theirs["error"] == ours.error
    if theirs["error"] is None:
        assert theirs["loaded"] == ours.loaded_mapping()
    return ours


@pytest.mark.paddle
@pytest.mark.corpus
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=key_sets())
@with_examples
def test_generated_pairs_match_develops_own_ppdet(develop_ppdet: TreePpdet,
                                                  pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    assert_same_as(develop_ppdet, *pair)


@pytest.mark.paddle
@pytest.mark.corpus
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=key_sets(), mode=st.sampled_from(["student", "teacher"]))
@with_mode_examples
def test_teacher_student_modes_match_develops_own_ppdet(
        develop_ppdet: TreePpdet, pair: tuple[dict[str, Any], dict[str, Any]], mode: str) -> None:
    """develop's `mode="student"`/`"teacher"` (ARSL's evaluation) on the same pairs."""
    assert_same_as(develop_ppdet, *pair, mode=mode)


DEVELOP_PAIRS = {
    # the seed case: PicoDet-S-320 LCNet trained from the legacy ESNet weights
    "picodet_lcnet_from_esnet": ("configs/picodet/picodet_s_320_coco_lcnet.yml",
                                 "configs/picodet/legacy_model/picodet_s_320_coco.yml"),
    # Faster R-CNN C4: the res5 head's `bbox_head.head.res5...` keys load from `backbone.res5...`
    "faster_rcnn_c4_from_fpn": ("configs/faster_rcnn/faster_rcnn_r50_1x_coco.yml",
                                "configs/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.yml"),
}


@pytest.fixture(scope="module")
def develop_shapes(develop_ppdet: TreePpdet) -> dict[str, dict[str, tuple[int, ...]]]:
    return develop_ppdet.build(sorted({c for pair in DEVELOP_PAIRS.values() for c in pair}))


@pytest.mark.paddle
@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(DEVELOP_PAIRS))
def test_develop_configs_match_develops_own_ppdet(develop_ppdet: TreePpdet,
                                                  develop_shapes: dict[str, Any],
                                                  name: str) -> None:
    model_config, weights_config = DEVELOP_PAIRS[name]
    model, weights = develop_shapes[model_config], develop_shapes[weights_config]
    ours = assert_same_as(develop_ppdet, model, weights)
    assert 0 < ours.loaded_count < len(model)
    if name == "picodet_lcnet_from_esnet":
        assert (ours.loaded_count, len(model), len(ours.shape_mismatches)) == (140, 463, 8)
    else:
        res5 = [(m, w) for m, w in ours.loaded if ".res5." in m and not m.startswith("backbone.")]
        assert res5 and all(w.startswith("backbone.res5.") for _, w in res5)
