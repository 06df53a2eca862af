"""Edges of the paddle-free `match_state_dict`, pinned without paddle.

ppdet pairs a model key with a weight key equal to it or equal to a part of it after a dot
(`a == b or a.endswith("." + b)`), the longest such weight key winning; these cases hold that
rule where a plain string suffix or a shape compared loosely would differ. (tests/deep compares
the same function with ppdet's own on real networks.)
"""
from __future__ import annotations

import pytest

from qatfix.model.matching import match_state_dict


#: a Faster R-CNN weight under `backbone.res5`, which ppdet compares without `backbone.`: with
#: one in the weights every key takes ppdet's general path
RES5 = {"backbone.res5.a.weight": (3,)}


@pytest.mark.parametrize("extra", [{}, RES5], ids=["plain", "with-res5"])
def test_a_suffix_without_a_dot_is_no_match(extra: dict[str, tuple[int, ...]]) -> None:
    result = match_state_dict({"head.xconv.weight": (4, 4), "head.conv.weight": (4, 4)},
                              {"conv.weight": (4, 4), **extra})
    assert result.loaded_mapping() == {"head.conv.weight": "conv.weight"}
    assert result.not_matched == ("head.xconv.weight",)
    assert result.ambiguities == ()


def test_res5_weights_load_into_the_head_without_their_backbone_prefix() -> None:
    result = match_state_dict({"bbox_head.head.res5.a.weight": (3,), "bbox_head.xres5.a.weight":
                               (3,)}, RES5)
    assert result.loaded_mapping() == {"bbox_head.head.res5.a.weight": "backbone.res5.a.weight"}
    assert result.not_matched == ("bbox_head.xres5.a.weight",)


@pytest.mark.parametrize("extra", [{}, RES5], ids=["plain", "with-res5"])
def test_a_key_ending_in_another_keys_letters_keeps_its_own_weight(
        extra: dict[str, tuple[int, ...]]) -> None:
    model = {"neck.fpn.bias": (8,), "neck.xfpn.bias": (8,)}
    weights = {"fpn.bias": (8,), "xfpn.bias": (8,), **extra}
    result = match_state_dict(model, weights)
    assert result.loaded_mapping() == {"neck.fpn.bias": "fpn.bias",
                                       "neck.xfpn.bias": "xfpn.bias"}
    assert result.unused_weights == tuple(extra)


def test_the_longest_dotted_suffix_wins() -> None:
    result = match_state_dict({"backbone.stage.conv.weight": (2, 2)},
                              {"conv.weight": (2, 2), "stage.conv.weight": (2, 2)})
    assert result.loaded_mapping() == {"backbone.stage.conv.weight": "stage.conv.weight"}
    assert result.unused_weights == ("conv.weight",)


def test_shapes_of_one_rank_that_differ_do_not_load() -> None:
    result = match_state_dict({"head.cls.weight": (80, 96, 1, 1)},
                              {"head.cls.weight": (112, 96, 1, 1)})
    assert result.loaded == ()
    [mismatch] = result.shape_mismatches
    assert (mismatch.model_shape, mismatch.weight_shape) == ((80, 96, 1, 1), (112, 96, 1, 1))
