"""Model identity: what network an effective config builds, without paddle."""
from __future__ import annotations

from qatfix.model.backbone import BackboneDescription, describe_backbone
from qatfix.model.compare import SectionDifference, compare_models
from qatfix.model.identity import ModelIdentity, identify
from qatfix.model.sections import canonical_json, model_sections, network_key

__all__ = [
    "BackboneDescription",
    "ModelIdentity",
    "SectionDifference",
    "canonical_json",
    "compare_models",
    "describe_backbone",
    "identify",
    "model_sections",
    "network_key",
]
