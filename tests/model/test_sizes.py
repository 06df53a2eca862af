from __future__ import annotations

from qatfix.model.sizes import eval_input_size, train_sizes


def test_eval_size_from_eval_reader_resize() -> None:
    config = {"EvalReader": {"sample_transforms": [{"Decode": {}}, {"Resize": {"target_size": [800, 1333]}}]},
              "eval_height": 320, "eval_width": 320}
    assert eval_input_size(config) == (800, 1333)


def test_eval_size_from_eval_height_width_then_test_reader() -> None:
    assert eval_input_size({"eval_height": 416, "eval_width": 320}) == (416, 320)
    assert eval_input_size({"TestReader": {"inputs_def": {"image_shape": [1, 3, 640, 608]}}}) == (640, 608)
    assert eval_input_size({"TestReader": {"inputs_def": {"image_shape": [3, -1, -1]}}}) is None
    assert eval_input_size({}) is None


def test_keypoint_trainsize_is_width_first() -> None:
    config = {"EvalReader": {"sample_transforms": [{"TopDownEvalAffine": {"trainsize": [192, 256]}}]}}
    assert eval_input_size(config) == (256, 192)


def test_train_sizes_multi_scale_and_single() -> None:
    multi = {"TrainReader": {"batch_transforms": [{"BatchRandomResize": {"target_size": [320, [352, 384]]}}]}}
    assert train_sizes(multi) == ((320, 320), (352, 384))
    random = {"TrainReader": {"sample_transforms": [{"RandomResize": {"target_size": [[640, 1333], [672, 1333]]}}]}}
    assert train_sizes(random) == ((640, 1333), (672, 1333))
    single = {"TrainReader": {"sample_transforms": [{"Resize": {"target_size": 608}}]}}
    assert train_sizes(single) == ((608, 608),)
    assert train_sizes({"TrainReader": {"sample_transforms": "oops"}}) == ()
