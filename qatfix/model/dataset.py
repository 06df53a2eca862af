"""Which dataset a config trains on: the directory name of its TrainDataset, else its metric.

`dataset/coco` -> "coco", `dataset/voc` -> "voc". A generic folder (`dataset/`) is named by its
annotation file instead; a config without datasets falls back to the lower-cased `metric`.
"""
from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any, Optional

_DATASET_SECTIONS = ("TrainDataset", "EvalDataset", "TestDataset")
_GENERIC_FOLDERS = frozenset({"", ".", "dataset", "datasets", "data"})


def _last_part(path: str) -> str:
    return posixpath.basename(path.strip().replace("\\", "/").rstrip("/")).lower()


def _section_dataset(section: Any) -> Optional[str]:
    if not isinstance(section, Mapping):
        return None
    directory = section.get("dataset_dir")
    name = _last_part(directory) if isinstance(directory, str) else ""
    if name in _GENERIC_FOLDERS:
        annotations = section.get("anno_path")
        if isinstance(annotations, str) and annotations.strip():
            first = annotations.strip().replace("\\", "/").split("/")[0]
            name = first.lower() if "/" in annotations and first not in _GENERIC_FOLDERS \
                else posixpath.splitext(_last_part(annotations))[0]
    return name if name not in _GENERIC_FOLDERS else None


def dataset_name(config: Mapping[str, Any]) -> Optional[str]:
    for key in _DATASET_SECTIONS:
        name = _section_dataset(config.get(key))
        if name:
            return name
    metric = config.get("metric")
    return metric.lower() if isinstance(metric, str) and metric else None


def metric_name(config: Mapping[str, Any]) -> Optional[str]:
    metric = config.get("metric")
    return metric if isinstance(metric, str) and metric else None
