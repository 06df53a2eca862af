"""The edges of ppdet's `match_state_dict` the paddle-free matcher must keep, worked out by hand
from ppdet/utils/checkpoint.py: a score is the weight key's full length (a `backbone.res5...`
key is compared without `backbone.` but keeps its length), a score of 0 is no match, ties go to the
weight key that sorts first (numpy's argmax), a shape mismatch is skipped before the ambiguity
check, and the ValueError is raised at the second claim in model key order. tests/deep compares
the same cases with ppdet itself."""
from __future__ import annotations

import pytest

from qatfix.model.matching import match_state_dict


def test_same_keys_with_backbone_res5_are_ppdets_ambiguity() -> None:
    keys = {"res5": (1,), "backbone.res5": (1,)}
    result = match_state_dict(keys, dict(keys))
    # both model keys pick `backbone.res5` (13 characters, compared as `res5`) over `res5` (4)
    assert result.loaded == (("backbone.res5", "backbone.res5"), ("res5", "backbone.res5"))
    assert result.error == ("Ambiguity weight backbone.res5 loaded, it matches at least res5 and "
                            "backbone.res5 in the model")
    assert result.unused_weights == ("res5",)
    assert not result.full_fit


def test_second_claim_with_another_shape_is_skipped_not_ambiguous() -> None:
    keys = {"res5": (2,), "backbone.res5": (1,)}
    result = match_state_dict(keys, dict(keys))
    assert result.error is None
    assert result.loaded == (("backbone.res5", "backbone.res5"),)
    assert [(m.model_key, m.weight_key) for m in result.shape_mismatches] == \
        [("res5", "backbone.res5")]


def test_lines_stop_where_ppdet_raises() -> None:
    model = {"0.conv.weight": (1,), "a.conv.weight": (2,), "b.conv.weight": (2,),
             "c.conv.weight": (1,)}
    result = match_state_dict(model, {"conv.weight": (2,)})
    assert result.error == ("Ambiguity weight conv.weight loaded, it matches at least "
                            "b.conv.weight and a.conv.weight in the model")
    # 0.conv.weight's mismatch comes before the raise and is logged; c.conv.weight's is not
    assert result.ppdet_lines("numpy") == [
        "The shape (2,) in pretrained weight conv.weight is unmatched with the shape [1] in "
        "model 0.conv.weight. And the weight conv.weight will not be loaded"]


def test_an_empty_key_scores_zero_and_matches_nothing() -> None:
    result = match_state_dict({"": (1,)}, {"": (1,)})
    assert result.loaded == () and result.not_matched == ("",)
    assert result.unused_weights == ("",)
    result = match_state_dict({"a.": (1,)}, {"": (1,)})
    assert result.loaded == () and result.unused_weights == ("",)


def test_equal_scores_go_to_the_key_that_sorts_first() -> None:
    # `aaaaaaaa.res5.c` and `backbone.res5.c` are both 15 characters long
    result = match_state_dict({"q.aaaaaaaa.res5.c": (1,)},
                              {"aaaaaaaa.res5.c": (1,), "backbone.res5.c": (1,)})
    assert result.loaded == (("q.aaaaaaaa.res5.c", "aaaaaaaa.res5.c"),)
    result = match_state_dict({"q.zzzzzzzz.res5.c": (1,)},
                              {"zzzzzzzz.res5.c": (1,), "backbone.res5.c": (1,)})
    assert result.loaded == (("q.zzzzzzzz.res5.c", "backbone.res5.c"),)


def test_same_network_without_res5_loads_everything_as_itself() -> None:
    keys = {"backbone.res4.conv.weight": (2, 3), "head.conv.weight": (2, 3)}
    result = match_state_dict(keys, dict(keys))
    assert result.full_fit and result.loaded_mapping() == {k: k for k in keys}


def test_teacher_student_modes_also_match_longer_weight_keys() -> None:
    model = {"head.conv.weight": (2,)}
    weights = {"modelStudent.head.conv.weight": (2,), "modelTeacher.head.conv.weight": (2,)}
    # the default mode pairs only suffixes of the model key: nothing loads
    assert match_state_dict(model, weights).loaded == ()
    # develop's student mode takes the weight key ending in the model key, skipping the teacher's
    assert match_state_dict(model, weights, "student").loaded == \
        (("head.conv.weight", "modelStudent.head.conv.weight"),)
    assert match_state_dict(model, weights, "teacher").loaded == \
        (("head.conv.weight", "modelTeacher.head.conv.weight"),)


def test_develops_line_for_a_teacher_student_checkpoint() -> None:
    result = match_state_dict({"head.conv.weight": (2,), "backbone.a": (1,)},
                              {"modelStudent.head.conv.weight": (2,)})
    assert result.ppdet_lines("numpy") == [
        "['modelStudent.head.conv.weight'] in pretrained weight is not used in the model, and "
        "its will not be loaded"]
    assert result.ppdet_lines("numpy", distill_weights=True) == [
        "['backbone.a', 'head.conv.weight'] in model is not matched with pretrained weights, "
        "and its will be trained from scratch"]


# -- a model with more classes than its weights ---------------------------------------------------

#: a GFL-style head at 80 classes (the weights) and the same network at 90 (the model): only the
#: class branch's tensors have a class dimension
HEAD_80 = {"backbone.conv.weight": (16, 3, 3, 3), "backbone.bn.weight": (16,),
           "head.reg.weight": (32, 16, 3, 3), "head.reg.bias": (32,),
           "head.cls.weight": (80, 16, 3, 3), "head.cls.bias": (80,)}
HEAD_90 = {**HEAD_80, "head.cls.weight": (90, 16, 3, 3), "head.cls.bias": (90,)}
#: a `backbone.res5` weight sends every key through ppdet's general (scored) path
RES5_WEIGHT = {"backbone.res5.unused.weight": (1,)}


@pytest.mark.parametrize("extra", [{}, RES5_WEIGHT], ids=["plain", "with-res5"])
def test_more_classes_than_the_weights_drops_the_class_tensors_by_shape(
        extra: dict[str, tuple[int, ...]]) -> None:
    result = match_state_dict(HEAD_90, {**HEAD_80, **extra})
    assert result.error is None and not result.full_fit
    assert (result.loaded_count, result.model_count) == (4, 6)
    assert sorted(m.model_key for m in result.shape_mismatches) == \
        ["head.cls.bias", "head.cls.weight"]
    assert {(m.model_shape[0], m.weight_shape[0]) for m in result.shape_mismatches} == {(90, 80)}
    assert result.not_matched == ()
    # a weight dropped for its shape was still picked: ppdet does not list it as unused
    assert result.unused_weights == tuple(extra)
    assert result.ppdet_lines("numpy")[-2:] == [
        "The shape (80,) in pretrained weight head.cls.bias is unmatched with the shape [90] in "
        "model head.cls.bias. And the weight head.cls.bias will not be loaded",
        "The shape (80, 16, 3, 3) in pretrained weight head.cls.weight is unmatched with the "
        "shape [90, 16, 3, 3] in model head.cls.weight. And the weight head.cls.weight will not "
        "be loaded"]


def test_fewer_classes_than_the_weights_drops_the_same_tensors() -> None:
    result = match_state_dict(HEAD_80, HEAD_90)
    assert result.error is None
    assert [m.model_key for m in result.shape_mismatches] == ["head.cls.bias", "head.cls.weight"]
    assert result.loaded_count == 4


# -- an ambiguity that involves a shape mismatch ------------------------------------------------
# ppdet's loop (ppdet/utils/checkpoint.py, release-2.6 and develop) takes the model keys in
# sorted order and, for each, checks the shape first (`continue` on a mismatch) and only then
# whether the weight was claimed before: a claim dropped for its shape claims nothing.


def test_a_first_claim_dropped_for_its_shape_leaves_the_weight_to_the_second() -> None:
    result = match_state_dict({"a.conv.weight": (1,), "b.conv.weight": (2,)},
                              {"conv.weight": (2,)})
    assert result.error is None and result.ambiguities == ()
    assert result.loaded == (("b.conv.weight", "conv.weight"),)
    assert [m.model_key for m in result.shape_mismatches] == ["a.conv.weight"]


def test_two_claims_that_fit_raise_past_one_that_does_not() -> None:
    result = match_state_dict({"a.conv.weight": (1,), "b.conv.weight": (2,),
                               "c.conv.weight": (2,)}, {"conv.weight": (2,)})
    # raised at c (the second claim that loads), naming b (the first), never a (dropped)
    assert result.error == ("Ambiguity weight conv.weight loaded, it matches at least "
                            "c.conv.weight and b.conv.weight in the model")
    assert [(a.model_key, a.first_model_key) for a in result.ambiguities] == \
        [("c.conv.weight", "b.conv.weight")]
    assert not result.full_fit
    # a's mismatch comes before the raise, so ppdet logs it
    assert result.ppdet_lines("numpy") == [
        "The shape (2,) in pretrained weight conv.weight is unmatched with the shape [1] in "
        "model a.conv.weight. And the weight conv.weight will not be loaded"]


def test_every_claim_but_one_dropped_for_its_shape_is_no_ambiguity() -> None:
    model = {f"{p}.conv.weight": (1,) for p in "abde"} | {"c.conv.weight": (2,)}
    result = match_state_dict(model, {"conv.weight": (2,)})
    assert result.error is None
    assert result.loaded == (("c.conv.weight", "conv.weight"),)
    assert len(result.shape_mismatches) == 4


# -- a suffix matches only at a dot boundary ------------------------------------------------


@pytest.mark.parametrize("extra", [{}, RES5_WEIGHT], ids=["plain", "with-res5"])
def test_a_suffix_matches_only_where_a_dot_starts_it(extra: dict[str, tuple[int, ...]]) -> None:
    model = {"backbone.conv1.weight": (4,), "backbone.1.weight": (4,), "head.aweight": (4,),
             "head.a.weight": (4,)}
    result = match_state_dict(model, {"1.weight": (4,), "a.weight": (4,), **extra})
    # `conv1.weight` ends in the letters `1.weight` but not after a dot; `aweight` has no dot
    assert result.loaded_mapping() == {"backbone.1.weight": "1.weight",
                                       "head.a.weight": "a.weight"}
    assert result.not_matched == ("backbone.conv1.weight", "head.aweight")
    assert result.error is None


def test_a_one_part_weight_key_matches_every_key_ending_in_that_part() -> None:
    result = match_state_dict({"a.weight": (2,), "aweight": (2,), "weight": (2,)},
                              {"weight": (2,)})
    # `a.weight` and `weight` both take `weight`: ppdet's ambiguity, raised at the second in order
    assert result.not_matched == ("aweight",)
    assert result.error == ("Ambiguity weight weight loaded, it matches at least weight and "
                            "a.weight in the model")
