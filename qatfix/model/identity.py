"""What model an effective config builds: the facts weights must agree with.

`identify` works on plain data (`Resolved.plain()` from `qatfix.config.resolve`), so it never needs
paddle, and its result compares with registry entries field by field.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from qatfix.model.backbone import describe_backbone
from qatfix.model.dataset import dataset_name, metric_name
from qatfix.model.family import family_of, variant_of
from qatfix.model.sections import canonical_json, model_sections, network_key
from qatfix.model.sizes import Size, eval_input_size, train_sizes


@dataclass(frozen=True)
class ModelIdentity:
    """The model of one config. `model_json` is the canonical JSON of its model sections."""

    architecture: Optional[str]
    family: Optional[str]
    variant: Optional[str]
    backbone: Optional[str]
    input_size: Optional[Size]
    train_sizes: tuple[Size, ...]
    num_classes: Optional[int]
    dataset: Optional[str]
    metric: Optional[str] = None
    config_path: Optional[str] = None
    model_json: str = field(default="{}", repr=False)

    @property
    def model(self) -> dict[str, Any]:
        """The model sections as plain data (a fresh copy each call)."""
        return json.loads(self.model_json)

    @property
    def network_key(self) -> str:
        """Canonical text of the model sections without `num_classes`."""
        return network_key(self.model)

    def same_network(self, sections: Mapping[str, Any]) -> bool:
        """True when `sections` define the same network, whatever the class count."""
        return network_key(sections) == self.network_key


def _num_classes(config: Mapping[str, Any]) -> Optional[int]:
    value = config.get("num_classes")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def identify(config: Mapping[str, Any], config_path: Optional[str] = None) -> ModelIdentity:
    """The `ModelIdentity` of a plain effective config; `config_path` helps name family/variant."""
    sections = model_sections(config)
    backbone = describe_backbone(sections)
    architecture = sections.get("architecture")
    return ModelIdentity(
        architecture=architecture,
        family=family_of(config_path, architecture),
        variant=variant_of(config_path, sections, backbone),
        backbone=backbone.text if backbone else None,
        input_size=eval_input_size(config),
        train_sizes=train_sizes(config),
        num_classes=_num_classes(config),
        dataset=dataset_name(config),
        metric=metric_name(config),
        config_path=config_path,
        model_json=canonical_json(sections),
    )
