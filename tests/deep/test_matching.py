"""The pure matcher against hand-made cases and against ppdet's own match_state_dict."""
from __future__ import annotations

from typing import Any, Mapping

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qatfix.deep.matching import match_state_dict
from qatfix.errors import DeepCheckError


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

PARTS = ["backbone", "neck", "head", "res5", "conv", "bn", "weight", "bias", "a", "b"]
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
    from ppdet.utils.checkpoint import match_state_dict as ppdet_match

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


@pytest.mark.paddle
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(pair=key_sets())
@example(pair=({"backbone.res2.conv.weight": (2,)}, {"res2.conv.weight": (2,), "conv.weight": (2,)}))
@example(pair=({"head.cls.weight": (2, 3)}, {"cls.weight": (2,), "head.cls.weight": (1,)}))
@example(pair=({"a.conv.weight": (2,), "b.conv.weight": (2,)}, {"conv.weight": (2,)}))
@example(pair=({"a.conv.weight": (2,), "b.conv.weight": (1,)}, {"conv.weight": (2,)}))
@example(pair=({"bbox_head.res5.a": (1,)}, {"backbone.res5.a": (1,), "res5.a": (1,)}))
@example(pair=({"q.aaaaaaaa.res5.c": (1,)}, {"aaaaaaaa.res5.c": (1,), "backbone.res5.c": (1,)}))
@example(pair=({"q.zzzzzzzz.res5.c": (1,)}, {"zzzzzzzz.res5.c": (1,), "backbone.res5.c": (1,)}))
@example(pair=({"a.weight": (1,)}, {}))
@example(pair=({}, {"a.weight": (1,)}))
@example(pair=({"a.": (1,)}, {"": (1,)}))
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
