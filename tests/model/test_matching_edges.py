"""The edges of ppdet's `match_state_dict` the paddle-free matcher must keep, worked out by hand
from ppdet/utils/checkpoint.py: a score is the weight key's full length (a `backbone.res5...`
key is compared without `backbone.` but keeps its length), a score of 0 is no match, ties go to the
weight key that sorts first (numpy's argmax), a shape mismatch is skipped before the ambiguity
check, and the ValueError is raised at the second claim in model key order. tests/deep compares
the same cases with ppdet itself."""
from __future__ import annotations

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
