from __future__ import annotations

from qatfix.model.compare import compare_models

LCNET = {
    "architecture": "PicoDet", "num_classes": 80,
    "PicoDet": {"backbone": "LCNet", "neck": "LCPAN", "head": "PicoHeadV2"},
    "LCNet": {"scale": 0.75}, "LCPAN": {"out_channels": 96}, "PicoHeadV2": {"feat_in_chan": 96},
}
ESNET = {
    "architecture": "PicoDet", "num_classes": 80,
    "PicoDet": {"backbone": "ESNet", "neck": "CSPPAN", "head": "PicoHead"},
    "ESNet": {"scale": 0.75}, "CSPPAN": {"out_channels": 96}, "PicoHead": {"feat_in_chan": 96},
}


def test_identical_networks_differ_in_nothing_but_classes() -> None:
    assert compare_models(LCNET, {**LCNET, "num_classes": 3}) == ()


def test_slot_differences_in_words() -> None:
    messages = [d.message for d in compare_models(ESNET, LCNET)]
    assert messages == [
        "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in model",
        "neck CSPPAN in weights, LCPAN in model",
        "head PicoHead in weights, PicoHeadV2 in model",
    ]


def test_same_classes_different_settings() -> None:
    wider = {**LCNET, "LCNet": {"scale": 1.5}, "LCPAN": {"out_channels": 128}}
    differences = compare_models(wider, LCNET)
    assert [d.message for d in differences] == [
        "backbone LCNet(scale 1.5) in weights, LCNet(scale 0.75) in model",
        "LCPAN.out_channels 128 in weights, 96 in model",
    ]
    assert differences[1].where == "LCPAN.out_channels"
    assert (differences[1].in_weights, differences[1].in_model) == (128, 96)


def test_architecture_difference_stops_there() -> None:
    other = {"architecture": "YOLOv3", "YOLOv3": {"backbone": "DarkNet"}}
    assert [d.message for d in compare_models(other, LCNET)] == ["architecture YOLOv3 in weights, PicoDet in model"]


def test_missing_setting_is_named() -> None:
    extra = {**LCNET, "LCPAN": {"out_channels": 96, "use_depthwise": True}}
    assert [d.message for d in compare_models(LCNET, extra)] == ["LCPAN.use_depthwise not set in weights, True in model"]
