"""The registry's record of one official weights file."""
from __future__ import annotations

import functools
import json
from typing import Any, Mapping, NamedTuple, Optional

from qatfix.model.sections import network_key

#: the keys of one entry in registry/weights.json, in file order
ENTRY_KEYS: tuple[str, ...] = (
    "name", "url", "kind", "slim_method", "legacy", "superseded_by", "tree", "config", "slim_config",
    "architecture", "family", "variant", "backbone", "input_size", "train_sizes", "num_classes",
    "dataset", "num_params", "sources", "notes", "model",
)

KINDS: tuple[str, ...] = ("detector", "slim", "backbone", "pretrained")


def _size(value: Any) -> Optional[tuple[int, int]]:
    return (int(value[0]), int(value[1])) if isinstance(value, list) and len(value) == 2 else None


class WeightEntry(NamedTuple):
    """An official weights file and the model it holds.

    `kind`: detector (a trained model of the zoo), slim (quantized, pruned or distilled),
    backbone (an ImageNet-style classification checkpoint), pretrained (other pre-training, e.g.
    Objects365). `config`/`slim_config` are paths relative to the PaddleDetection root of `tree`;
    `sources` say where the file is listed ("develop:configs/picodet/README.md:42").
    """

    name: str
    url: str
    kind: str
    slim_method: Optional[str] = None
    legacy: bool = False
    superseded_by: Optional[str] = None
    tree: Optional[str] = None
    config: Optional[str] = None
    slim_config: Optional[str] = None
    architecture: Optional[str] = None
    family: Optional[str] = None
    variant: Optional[str] = None
    backbone: Optional[str] = None
    input_size: Optional[tuple[int, int]] = None
    train_sizes: tuple[tuple[int, int], ...] = ()
    num_classes: Optional[int] = None
    dataset: Optional[str] = None
    num_params: Optional[int] = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: canonical JSON text of the model sections (kept as text: parsing ~400 of them would
    #: triple the registry's load time, and most lookups never need them)
    model_json: Optional[str] = None

    @property
    def model(self) -> Optional[dict[str, Any]]:
        """The model sections as plain data (a fresh copy each call), or None."""
        return json.loads(self.model_json) if self.model_json else None

    @property
    def network_key(self) -> Optional[str]:
        """Canonical text of the model sections without `num_classes` (see `qatfix.model.network_key`)."""
        return _network_key(self.model_json) if self.model_json else None

    @property
    def file_name(self) -> str:
        return f"{self.name}.pdparams"

    @property
    def is_float_model(self) -> bool:
        """Weights a float model (and so QAT) can start from: zoo models and distilled ones."""
        return self.kind == "detector" or (self.kind == "slim" and self.slim_method == "distill")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "WeightEntry":
        return cls(
            name=data["name"],
            url=data["url"],
            kind=data["kind"],
            slim_method=data.get("slim_method"),
            legacy=bool(data.get("legacy", False)),
            superseded_by=data.get("superseded_by"),
            tree=data.get("tree"),
            config=data.get("config"),
            slim_config=data.get("slim_config"),
            architecture=data.get("architecture"),
            family=data.get("family"),
            variant=data.get("variant"),
            backbone=data.get("backbone"),
            input_size=_size(data.get("input_size")),
            train_sizes=tuple(s for s in (_size(v) for v in data.get("train_sizes") or ()) if s),
            num_classes=data.get("num_classes"),
            dataset=data.get("dataset"),
            num_params=data.get("num_params"),
            sources=tuple(data.get("sources") or ()),
            notes=tuple(data.get("notes") or ()),
            model_json=data.get("model"),
        )

    def to_json(self) -> dict[str, Any]:
        """The entry as written in registry/weights.json (keys in ENTRY_KEYS order)."""
        values = {
            "name": self.name, "url": self.url, "kind": self.kind, "slim_method": self.slim_method,
            "legacy": self.legacy, "superseded_by": self.superseded_by, "tree": self.tree,
            "config": self.config, "slim_config": self.slim_config, "architecture": self.architecture,
            "family": self.family, "variant": self.variant, "backbone": self.backbone,
            "input_size": list(self.input_size) if self.input_size else None,
            "train_sizes": [list(s) for s in self.train_sizes], "num_classes": self.num_classes,
            "dataset": self.dataset, "num_params": self.num_params,
            "sources": list(self.sources), "notes": list(self.notes),
            "model": self.model_json,
        }
        return {key: values[key] for key in ENTRY_KEYS}


@functools.lru_cache(maxsize=None)
def _network_key(model_json: str) -> str:
    return network_key(json.loads(model_json))
