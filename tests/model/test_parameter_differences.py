"""Only differences that change a network's parameters make it "another network"."""
from __future__ import annotations

from qatfix.model import compare_models
from qatfix.model.compare import affects_parameters

BASE = {
    "architecture": "YOLOv3",
    "YOLOv3": {"backbone": "CSPResNet", "neck": "CustomCSPPAN", "yolo_head": "PPYOLOEHead",
               "post_process": "BBoxPostProcess"},
    "CSPResNet": {"width_mult": 0.5, "depth_mult": 0.33, "use_alpha": False},
    "CustomCSPPAN": {"out_channels": [768, 384, 192], "drop_block": True},
    "PPYOLOEHead": {"fpn_strides": [32, 16, 8], "static_assigner_epoch": 100,
                    "nms": {"name": "MultiClassNMS", "keep_top_k": 300, "nms_threshold": 0.7},
                    "loss_weight": {"class": 1.0}},
    "num_classes": 80,
}


def _with(**changes: object) -> dict:  # type: ignore[type-arg]
    import copy

    model = copy.deepcopy(BASE)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = model
        for part in parents:
            target = target[part]
        target[last] = value
    return model


def test_training_and_postprocess_settings_are_not_differences() -> None:
    other = _with(CustomCSPPAN__drop_block=False, PPYOLOEHead__static_assigner_epoch=-1,
                  PPYOLOEHead__nms={"name": "MultiClassNMS", "keep_top_k": 100},
                  PPYOLOEHead__loss_weight={"class": 2.0}, num_classes=4)
    assert compare_models(BASE, other) == ()


def test_an_architecture_wrapper_with_the_same_parts_is_the_same_network() -> None:
    other = _with(architecture="PPYOLOE")
    other["PPYOLOE"] = dict(other.pop("YOLOv3"), for_distill=True)
    assert compare_models(BASE, other) == ()


def test_parameter_settings_are_differences() -> None:
    (difference,) = compare_models(BASE, _with(CSPResNet__use_alpha=True))
    assert difference.where == "CSPResNet.use_alpha"
    other = _with(architecture="FCOS")
    other["FCOS"] = {"backbone": "ResNet", "neck": "FPN", "fcos_head": "FCOSHead"}
    assert compare_models(BASE, other)[0].where == "architecture"


def test_affects_parameters_by_key_path() -> None:
    assert not affects_parameters("PPYOLOEHead.nms.keep_top_k")
    assert not affects_parameters("PicoHeadV2.loss_bbox.loss_weight")
    assert affects_parameters("LCNet.scale") and affects_parameters("PicoHeadV2.feat_in_chan")
