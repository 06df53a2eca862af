"""The loading forecast: ppdet's matching on signatures, with class layers told apart."""
from __future__ import annotations

from qatfix.model.matching import ShapeMismatch
from qatfix.model.load_forecast import describe_keys, forecast, is_class_layer


def _mismatch(weights: tuple[int, ...], model: tuple[int, ...]) -> ShapeMismatch:
    return ShapeMismatch("head.cls.weight", "head.cls.weight", model, weights)


def test_class_layers_differ_by_a_multiple_of_the_class_difference() -> None:
    assert is_class_layer(_mismatch((112, 96, 1, 1), (36, 96, 1, 1)), 80, 4)  # PicoDet: 80+32
    assert is_class_layer(_mismatch((255, 1024, 1, 1), (27, 1024, 1, 1)), 80, 4)  # YOLOv3: 3x
    assert is_class_layer(_mismatch((81,), (5,)), 80, 4)  # background class
    assert not is_class_layer(_mismatch((112, 96, 1, 1), (112, 128, 1, 1)), 80, 4)
    assert not is_class_layer(_mismatch((112, 96, 1, 1), (36, 48, 1, 1)), 80, 4)  # two dims
    assert not is_class_layer(_mismatch((112, 96, 1, 1), (36, 96, 1, 1)), 80, 80)
    assert not is_class_layer(_mismatch((100,), (37,)), 80, 4)  # 63 is no multiple of 76


def test_missing_alpha_and_class_layers_are_counted_apart() -> None:
    model = {"backbone.stage.alpha": (1,), "backbone.stage.conv.weight": (8, 3, 3, 3),
             "head.cls.weight": (4, 8, 3, 3), "head.cls.bias": (4,)}
    weights = {"backbone.stage.conv.weight": (8, 3, 3, 3), "head.cls.weight": (80, 8, 3, 3),
               "head.cls.bias": (80,)}
    result = forecast(model, weights, model_classes=4, weights_classes=80)
    assert result.loaded == 1 and result.total == 4
    assert result.at_defaults == ("backbone.stage.alpha",)
    assert set(result.class_layers) == {"head.cls.weight", "head.cls.bias"}
    assert result.verdict == "other"
    assert result.summary() == ("1 of 4 state-dict tensors load; 1 start at their initial values "
                                "(backbone alpha); 2 class layers train from scratch for 4 "
                                "classes")


def test_only_class_layers_is_the_classes_verdict() -> None:
    model = {"backbone.conv.weight": (8, 3, 3, 3), "head.cls.bias": (4,)}
    weights = {"backbone.conv.weight": (8, 3, 3, 3), "head.cls.bias": (80,)}
    assert forecast(model, weights, model_classes=4, weights_classes=80).verdict == "classes"
    assert forecast(model, model, model_classes=4, weights_classes=4).verdict == "fits"


def test_a_lost_part_is_summed_up_and_parts_keep_the_models_order() -> None:
    model = {f"neck.c{i}.weight": (2,) for i in range(3)}
    model.update({f"backbone.c{i}.weight": (2,) for i in range(3)})
    weights = {f"neck.c{i}.weight": (2,) for i in range(3)}
    weights["backbone.c0.weight"] = (2,)
    result = forecast(model, weights, model_classes=80, weights_classes=80)
    assert result.defaults_text() == "backbone: 1 of 3 load"
    assert list(result.part_counts) == ["neck", "backbone"]


def test_describe_keys_groups_by_part_and_leaf() -> None:
    keys = [f"backbone.s{i}.alpha" for i in range(18)] + ["neck.a.weight", "neck.b.weight",
                                                          "neck.a.bias"]
    assert describe_keys(keys) == "backbone alpha (18); neck weight (2), bias"


def test_a_model_with_more_classes_than_its_weights_has_class_layers_too() -> None:
    # 80-class weights into a 90-class model: the class tensors grow by (a multiple of) 10
    assert is_class_layer(_mismatch((112, 96, 1, 1), (122, 96, 1, 1)), 80, 90)  # PicoDet: +32
    assert is_class_layer(_mismatch((255, 1024, 1, 1), (285, 1024, 1, 1)), 80, 90)  # YOLOv3: 3x
    assert not is_class_layer(_mismatch((112, 96, 1, 1), (102, 96, 1, 1)), 80, 90)  # shrank
    model = {"backbone.conv.weight": (8, 3, 3, 3), "head.cls.weight": (90, 8, 3, 3),
             "head.cls.bias": (90,)}
    weights = {"backbone.conv.weight": (8, 3, 3, 3), "head.cls.weight": (80, 8, 3, 3),
               "head.cls.bias": (80,)}
    result = forecast(model, weights, model_classes=90, weights_classes=80)
    assert (result.loaded, result.total) == (1, 3)
    assert set(result.class_layers) == {"head.cls.weight", "head.cls.bias"}
    assert result.at_defaults == ()
    assert result.verdict == "classes"
