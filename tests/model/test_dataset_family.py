from __future__ import annotations

from qatfix.model.backbone import BackboneDescription
from qatfix.model.dataset import dataset_name
from qatfix.model.family import family_of, variant_of


def test_dataset_from_folder_annotation_or_metric() -> None:
    assert dataset_name({"TrainDataset": {"__tag__": "!COCODataSet", "dataset_dir": "dataset/coco/"}}) == "coco"
    assert dataset_name({"TrainDataset": {"dataset_dir": "dataset", "anno_path": "aic_train.json"}}) == "aic_train"
    assert dataset_name({"TrainDataset": {"dataset_dir": "dataset", "anno_path": "visdrone/train.json"}}) == "visdrone"
    assert dataset_name({"metric": "VOC"}) == "voc"
    assert dataset_name({}) is None


def test_family_from_zoo_folders() -> None:
    assert family_of("configs/picodet/legacy_model/picodet_s_320_coco.yml", "PicoDet") == "picodet"
    assert family_of("/x/PaddleDetection/configs/mot/fairmot/fairmot_dla34.yml", "FairMOT") == "fairmot"
    assert family_of("configs/ppyoloe/ppyoloe_plus_crn_l_80e_coco.yml", "PPYOLOE") == "ppyoloe"


def test_family_outside_a_zoo_tree() -> None:
    assert family_of("/home/me/my_ppyoloe_plus.yml", "PPYOLOE") == "ppyoloe"
    assert family_of("/home/me/ppyoloe_plus_crn_s_custom.yml", "PPYOLOE") == "ppyoloe"
    assert family_of(None, "PicoDet") == "picodet"


def test_variant_from_name_multipliers_or_backbone() -> None:
    assert variant_of("configs/picodet/picodet_s_320_coco_lcnet.yml", {}, None) == "s"
    assert variant_of("custom.yml", {"depth_mult": 0.67, "width_mult": 0.75}, None) == "m"
    resnet = BackboneDescription("ResNet", (("depth", 50), ("variant", "d")))
    assert variant_of("configs/faster_rcnn/faster_rcnn_r50_vd_fpn_1x_coco.yml", {}, resnet) == "resnet50"
