from __future__ import annotations

from qatfix.model.sections import canonical_json, model_sections, network_key

CONFIG = {
    "architecture": "PicoDet",
    "num_classes": 80,
    "width_mult": 0.5,
    "use_gpu": True,
    "PicoDet": {"backbone": "LCNet", "neck": "LCPAN", "head": "PicoHeadV2"},
    "LCNet": {"scale": 0.75},
    "LCPAN": {"out_channels": 96},
    "PicoHeadV2": {"assigner": {"name": "TaskAlignedAssigner"}, "loss_bbox": "GIoULoss", "nms": {"name": "NMS"}},
    "GIoULoss": {"loss_weight": 2.5},
    "TaskAlignedAssigner": {"topk": 13},
    "Unused": {"x": 1},
    "TrainReader": {"batch_size": 64},
    "LearningRate": {"base_lr": 0.1},
}


def test_follows_references_recursively_and_keeps_shared_keys() -> None:
    sections = model_sections(CONFIG)
    assert set(sections) == {"architecture", "num_classes", "width_mult", "PicoDet", "LCNet", "LCPAN",
                             "PicoHeadV2", "GIoULoss", "TaskAlignedAssigner"}
    assert sections["LCNet"] == {"scale": 0.75}


def test_no_architecture_means_no_model() -> None:
    assert model_sections({"LCNet": {"scale": 1.0}}) == {}


def test_canonical_json_is_order_independent() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == canonical_json({"a": [1, {"c": 3, "d": 2}], "b": 1})


def test_network_key_ignores_class_count_and_integral_floats() -> None:
    other = dict(CONFIG, num_classes=3, LCNet={"scale": 0.75}, LCPAN={"out_channels": 96.0})
    assert network_key(model_sections(other)) == network_key(model_sections(CONFIG))
    wider = dict(CONFIG, LCNet={"scale": 1.0})
    assert network_key(model_sections(wider)) != network_key(model_sections(CONFIG))


def test_canonical_json_of_keys_json_cannot_sort_or_write() -> None:
    import datetime

    assert canonical_json({"a": 1, None: 2, 3: [{True: 1, "x": 2}]}) == \
        '{"3":[{"true":1,"x":2}],"a":1,"null":2}'
    assert canonical_json({datetime.date(2020, 1, 1): 1}) == '{"2020-01-01":1}'
    assert canonical_json({10: "a", 2: "b"}) == '{"2":"b","10":"a"}'  # as before: sorted as ints
