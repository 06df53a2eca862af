from __future__ import annotations

from qatfix.model.backbone import backbone_name, describe_backbone


def test_scale_is_shown_as_decimal() -> None:
    sections = {"architecture": "PicoDet", "PicoDet": {"backbone": "LCNet"}, "LCNet": {"scale": 1, "feature_maps": [3]}}
    assert describe_backbone(sections).text == "LCNet(scale 1.0)"


def test_resnet_default_variant_is_b() -> None:
    plain = {"architecture": "FasterRCNN", "FasterRCNN": {"backbone": "ResNet"}, "ResNet": {"depth": 50}}
    explicit = {**plain, "ResNet": {"depth": 50, "variant": "b"}}
    assert describe_backbone(plain) == describe_backbone(explicit)
    assert describe_backbone(plain).text == "ResNet(depth 50, variant b)"


def test_shared_multipliers_only_for_classes_that_share_them() -> None:
    ppyoloe = {"architecture": "YOLOv3", "YOLOv3": {"backbone": "CSPResNet"}, "CSPResNet": {"layers": [3, 6, 6, 3]},
               "width_mult": 0.5, "depth_mult": 0.33}
    assert describe_backbone(ppyoloe).text == "CSPResNet(width_mult 0.5, depth_mult 0.33)"
    swin = {**ppyoloe, "YOLOv3": {"backbone": "SwinTransformer"}, "SwinTransformer": {"arch": "swin_T_224"}}
    assert describe_backbone(swin).text == "SwinTransformer(arch swin_T_224)"


def test_backbone_found_through_a_sub_model() -> None:
    sections = {"architecture": "FairMOT", "FairMOT": {"detector": "CenterNet"}, "CenterNet": {"backbone": "DLA"},
                "DLA": {"depth": 34}}
    assert backbone_name(sections) == "DLA"
    assert describe_backbone(sections).text == "DLA(depth 34)"


def test_no_backbone() -> None:
    assert describe_backbone({"architecture": "X", "X": {"head": "H"}}) is None
    assert describe_backbone({}) is None
