"""Model family (picodet, ppyoloe, ...) and variant (s/m/l/x, depth, ...) of a config.

The zoo organises configs as `configs/<family>/...` (with task folders such as `mot/` or
`keypoint/` one level above the family) and names sizes with a token in the file name
(`picodet_s_320_coco_lcnet`, `ppyoloe_plus_crn_l_80e_coco`). Configs outside a zoo tree fall back to
the file-name prefix, then to the architecture.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any, Optional

from qatfix.model.backbone import BackboneDescription

#: folders that group several families; the family is the folder below them
TASK_FOLDERS = frozenset({"mot", "keypoint", "rotate", "semi_det", "pphuman", "ppvehicle", "pose3d"})
#: folders that never name a family
NEUTRAL_FOLDERS = frozenset({"_base_", "legacy_model", "more_config", "application", "configs"})

SIZE_TOKENS: tuple[str, ...] = ("xs", "s", "m", "l", "x", "t", "n", "nano", "tiny")

#: file-name prefixes of zoo families, longest first, for configs outside a zoo tree
KNOWN_FAMILIES: tuple[str, ...] = (
    "ppyoloe_plus", "ppyoloe_r", "ppyoloe", "ppyolov2", "ppyolo", "picodet", "yolov3", "yolox",
    "rtdetrv2", "rtdetr", "faster_rcnn", "cascade_rcnn", "mask_rcnn", "retinanet", "fcos", "gfl",
    "ssd", "ttfnet", "tood", "solov2", "centernet", "fairmot", "jde", "deepsort", "bytetrack",
    "tinypose", "hrnet", "higherhrnet", "blazeface", "detr", "deformable_detr", "dino", "yolof",
)
_FAMILY_ALIASES = {"ppyoloe_plus": "ppyoloe", "ppyolov2": "ppyolo", "tinypose": "tiny_pose"}

#: PP-YOLOE / YOLOX style (depth_mult, width_mult) -> size token
_MULTIPLIER_SIZES = {
    (0.33, 0.375): "t",
    (0.33, 0.25): "nano",
    (0.33, 0.5): "s",
    (0.67, 0.75): "m",
    (1.0, 1.0): "l",
    (1.33, 1.25): "x",
}


def _zoo_parts(config_path: str) -> Optional[list[str]]:
    parts = PurePath(config_path.replace("\\", "/")).parts
    if "configs" not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index("configs")
    return list(parts[index + 1:-1])


def family_of(config_path: Optional[str], architecture: Optional[str]) -> Optional[str]:
    """The zoo family of a config (see module docstring)."""
    if config_path:
        folders = [p for p in (_zoo_parts(config_path) or []) if p not in NEUTRAL_FOLDERS]
        if folders:
            if folders[0] in TASK_FOLDERS and len(folders) > 1:
                return folders[1]
            return folders[0]
        stem = PurePath(config_path).stem.lower()
        for prefix in KNOWN_FAMILIES:
            if stem == prefix or stem.startswith(prefix + "_"):
                return _FAMILY_ALIASES.get(prefix, prefix)
    return architecture.lower() if architecture else None


def size_token(config_path: Optional[str]) -> Optional[str]:
    """The first size token (s/m/l/...) in the file name, if any."""
    if not config_path:
        return None
    for token in PurePath(config_path).stem.lower().split("_"):
        if token in SIZE_TOKENS:
            return token
    return None


def _multiplier_size(sections: Mapping[str, Any]) -> Optional[str]:
    depth, width = sections.get("depth_mult"), sections.get("width_mult")
    if isinstance(depth, (int, float)) and isinstance(width, (int, float)):
        return _MULTIPLIER_SIZES.get((round(float(depth), 2), round(float(width), 3)))
    return None


def variant_of(config_path: Optional[str], sections: Mapping[str, Any],
               backbone: Optional[BackboneDescription]) -> Optional[str]:
    """Size token from the name, else from width/depth multipliers, else the backbone depth/scale."""
    token = size_token(config_path) or _multiplier_size(sections)
    if token:
        return token
    if backbone is None:
        return None
    settings = dict(backbone.settings)
    for key in ("depth", "arch", "model_name", "width", "scale"):
        if key in settings:
            value = settings[key]
            return re.sub(r"\s+", "", f"{backbone.name.lower()}{value}")
    return backbone.name.lower()


#: how the model zoo names each family (its READMEs' headings), by family folder
ZOO_NAMES = {
    "picodet": "PicoDet", "ppyoloe": "PP-YOLOE", "ppyolo": "PP-YOLO", "yolov3": "YOLOv3",
    "yolox": "YOLOX", "rtdetr": "RT-DETR", "rtdetrv2": "RT-DETRv2", "faster_rcnn": "Faster R-CNN",
    "cascade_rcnn": "Cascade R-CNN", "mask_rcnn": "Mask R-CNN", "retinanet": "RetinaNet",
    "fcos": "FCOS", "gfl": "GFL", "ssd": "SSD", "ttfnet": "TTFNet", "tood": "TOOD",
    "solov2": "SOLOv2", "centernet": "CenterNet", "fairmot": "FairMOT", "jde": "JDE",
    "deepsort": "DeepSORT", "bytetrack": "ByteTrack", "tiny_pose": "PP-TinyPose",
    "hrnet": "HRNet", "higherhrnet": "HigherHRNet", "blazeface": "BlazeFace", "detr": "DETR",
    "deformable_detr": "Deformable DETR", "dino": "DINO", "yolof": "YOLOF",
    "ppyoloe_r": "PP-YOLOE-R", "keypoint": "keypoint", "face_detection": "BlazeFace",
}


def zoo_name(config_path: Optional[str], architecture: Optional[str]) -> Optional[str]:
    """The zoo's name for the detector a config builds (PP-YOLOE, not ppdet's class YOLOv3):
    by its family folder or file name; the architecture class when neither is known."""
    if config_path:
        stem = PurePath(config_path).stem.lower()
        if stem.startswith("ppyoloe_plus"):
            return "PP-YOLOE+"
        for prefix in KNOWN_FAMILIES:
            if stem == prefix or stem.startswith(prefix + "_"):
                family = _FAMILY_ALIASES.get(prefix, prefix)
                return ZOO_NAMES.get(family, ZOO_NAMES.get(prefix, architecture))
        for folder in reversed(_zoo_parts(config_path) or []):
            if folder in ZOO_NAMES:
                return ZOO_NAMES[folder]
    return architecture
