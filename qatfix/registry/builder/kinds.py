"""What kind of file a weights URL is, and which compression produced a slim one.

Evidence first: a slim config in the README row, or the `slim:` value that config sets. File
names only decide what nothing else does (`..._qat`, `.../pretrained/ResNet50_vd_pretrained`).
"""
from __future__ import annotations

import re
from typing import Optional

from qatfix.registry.urls import weights_stem

#: ppdet `slim:` values -> the method recorded in the registry
SLIM_METHODS: dict[str, str] = {
    "QAT": "qat",
    "PTQ": "ptq",
    "Pruner": "prune",
    "UnstructuredPruner": "prune",
    "PrunerQAT": "prune_qat",
    "Distill": "distill",
    "DistillPrune": "distill_prune",
    "OFA": "ofa",
}

#: name prefixes of ImageNet-style backbone checkpoints (lower case)
BACKBONE_PREFIXES: tuple[str, ...] = (
    "resnet", "resnext", "res2net", "pplcnet", "lcnet", "esnet", "mobilenet", "cspresnet", "darknet",
    "cspdarknet", "hrnet", "trunc_hrnet", "shufflenet", "ghostnet", "vgg", "swin", "convnext", "focalnet",
    "dla", "pphgnet", "vit_", "mae_pretrain", "hardnet", "blazenet", "dino_", "senet", "se_resnext",
)
#: tokens saying a checkpoint was trained for detection on some dataset, not as a backbone
_DETECTION_DATASETS = ("coco", "obj365", "o365", "objects365", "crowdhuman", "voc", "mot")

_SLIM_NAME = (
    (re.compile(r"(^|_)(qat|quant|pact)(_|$)"), "qat"),
    (re.compile(r"(^|_)ptq(_|$)"), "ptq"),
    (re.compile(r"(^|_)prune"), "prune"),
    (re.compile(r"(^|_)(distill|cwd|ld|fgd|lad)(_|$)"), "distill"),
)


def slim_method_from_value(value: Optional[str]) -> Optional[str]:
    return SLIM_METHODS.get(value, value.lower()) if value else None


def slim_method_from_name(url: str) -> Optional[str]:
    stem = weights_stem(url).lower()
    methods = [method for pattern, method in _SLIM_NAME if pattern.search(stem)]
    if "prune" in methods and "distill" in methods:
        return "distill_prune"
    return methods[0] if methods else None


def looks_like_backbone(url: str) -> bool:
    stem = weights_stem(url).lower()
    if any(re.search(rf"(^|_){token}(_|\d|$)", stem) for token in _DETECTION_DATASETS):
        return False
    return stem.startswith(BACKBONE_PREFIXES)


def looks_pretrained(url: str) -> bool:
    """Named or stored as a pre-training checkpoint (`..._pretrained`, `.../pretrained/...`)."""
    stem = weights_stem(url).lower()
    return (stem.endswith(("_pretrained", "_pretrain")) or "_pretrained_on_" in stem
            or stem.startswith("mae_pretrain") or "/pretrained/" in url)


def is_slim_url(url: str) -> bool:
    return "/slim/" in url
