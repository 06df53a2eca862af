"""Where the label list of an export (and of tools/infer.py) comes from, as ppdet reads it.

`tools/export_model.py` writes `label_list` into infer_cfg.yml from
`TestDataset.get_anno()` (`dataset_dir` joined with `anno_path`; ImageFolder takes `anno_path`
alone without a `dataset_dir`) through `ppdet/data/source/category.py get_categories(metric,
anno_file)`: a COCO json's `categories`, or a txt file's lines (a first `background` dropped).
When the file is not there, ppdet logs a warning and falls back to the metric's default list:
the 80 COCO names (COCO, SNIPERCOCO), the 15 DOTA names (RBOX), the 20 VOC names (VOC).
"""
from __future__ import annotations

from dataclasses import dataclass
import json
import os
from collections.abc import Mapping
from typing import Any, Optional


#: metric (lower case) -> (what ppdet falls back to, how many names)
DEFAULT_LABELS = {"coco": ("the 80 COCO names", 80), "snipercoco": ("the 80 COCO names", 80),
                  "rbox": ("the 15 DOTA names", 15), "voc": ("the 20 VOC names", 20)}


@dataclass(frozen=True)
class LabelSource:
    """The annotation file an export takes its label list from."""

    #: the file as get_anno() joins it (None: anno_path not set)
    anno_file: Optional[str]
    #: where it was looked for (anno_file from the run folder)
    path: Optional[str]
    exists: bool
    #: how many category names it holds (None: not read)
    count: Optional[int]
    #: what ppdet writes without it, and how many names that is
    fallback: str
    fallback_count: int


def _joined(section: Mapping[str, Any]) -> Optional[str]:
    anno = section.get("anno_path")
    if not isinstance(anno, str) or not anno.strip():
        return None
    directory = section.get("dataset_dir")
    if isinstance(directory, str) and directory:
        return os.path.join(directory, anno)
    return anno


def count_categories(path: str) -> Optional[int]:
    """The names get_categories reads from `path` (json categories, or txt lines without a
    first `background`); None when it cannot be read as either."""
    try:
        if path.endswith("json"):
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            categories = data.get("categories") if isinstance(data, dict) else None
            return len(categories) if isinstance(categories, list) else None
        with open(path, encoding="utf-8") as handle:
            lines = [line.strip() for line in handle.readlines()]
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if lines and lines[0] == "background":
        lines = lines[1:]
    return len(lines)


def label_source(config: Mapping[str, Any], run_root: str) -> Optional[LabelSource]:
    """The label file of the config's TestDataset; None when the metric has no default list
    (keypoint, MOT, ...: not judged)."""
    metric = config.get("metric")
    if not isinstance(metric, str) or metric.lower() not in DEFAULT_LABELS:
        return None
    section = config.get("TestDataset")
    if not isinstance(section, Mapping):
        return None
    fallback, fallback_count = DEFAULT_LABELS[metric.lower()]
    anno = _joined(section)
    if anno is None:
        return LabelSource(None, None, False, None, fallback, fallback_count)
    path = anno if os.path.isabs(anno) else os.path.join(run_root, anno)
    exists = os.path.isfile(path)
    count = count_categories(path) if exists else None
    return LabelSource(anno, path, exists, count, fallback, fallback_count)
