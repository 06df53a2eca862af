"""Name the backbone with the settings that decide its size ("LCNet(scale 0.75)").

Users recognise a backbone by class and scale/depth; those few settings are also what makes
weights of one variant unusable for another.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple


#: backbone settings that identify its variant, in the order they are shown
IDENTITY_KEYS: tuple[str, ...] = (
    "arch",
    "model_name",
    "network_type",
    "depth",
    "variant",
    "scale",
    "width",
    "scales",
    "groups",
    "base_width",
    "width_mult",
    "depth_mult",
    "embed_dim",
    "num_heads",
    "patch_size",
)

#: backbones that take the top-level `width_mult`/`depth_mult` through ppdet's `__shared__`
SHARED_MULTIPLIER_BACKBONES = frozenset({"CSPResNet", "CSPDarkNet"})
#: constructor defaults that make "ResNet(depth 50)" and "ResNet(depth 50, variant b)" the same
CLASS_DEFAULTS: dict[str, dict[str, Any]] = {"ResNet": {"variant": "b"}}
#: settings shown as decimals, so 1 and 1.0 read the same
_FLOAT_KEYS = frozenset({"scale", "width_mult", "depth_mult"})

#: architecture slots that may hold the backbone directly or a sub-model that holds it
_BACKBONE_SLOTS = ("backbone",)
_CONTAINER_SLOTS = ("detector", "model", "student_model", "pose_model")


class BackboneDescription(NamedTuple):
    """A backbone class and the settings that identify its variant (`settings` in IDENTITY_KEYS order)."""

    name: str
    settings: tuple[tuple[str, Any], ...] = ()

    @property
    def text(self) -> str:
        if not self.settings:
            return self.name
        inner = ", ".join(f"{key} {_format(value)}" for key, value in self.settings)
        return f"{self.name}({inner})"

    def __str__(self) -> str:
        return self.text


def _format(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def backbone_name(sections: Mapping[str, Any]) -> str | None:
    """The backbone class the architecture uses, following sub-models such as FairMOT's detector."""
    architecture = sections.get("architecture")
    seen: set[str] = set()
    pending = [architecture] if isinstance(architecture, str) else []
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        section = sections.get(name)
        if not isinstance(section, Mapping):
            continue
        for slot in _BACKBONE_SLOTS:
            if isinstance(section.get(slot), str):
                return section[slot]
        pending.extend(section[s] for s in _CONTAINER_SLOTS if isinstance(section.get(s), str))
    return None


def shared_settings(name: str, sections: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level width/depth multipliers that ppdet shares into the backbone (PP-YOLOE, YOLOX)."""
    if name not in SHARED_MULTIPLIER_BACKBONES:
        return {}
    return {k: sections[k] for k in ("width_mult", "depth_mult") if k in sections}


def _normalised(key: str, value: Any) -> Any:
    if key in _FLOAT_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def describe_backbone(sections: Mapping[str, Any]) -> BackboneDescription | None:
    """Describe the backbone of model sections (see `qatfix.model.sections.model_sections`)."""
    name = backbone_name(sections)
    if name is None:
        return None
    section = sections.get(name)
    values: dict[str, Any] = dict(CLASS_DEFAULTS.get(name, {}))
    values.update(shared_settings(name, sections))
    if isinstance(section, Mapping):
        values.update({k: section[k] for k in IDENTITY_KEYS if k in section})
    settings = tuple((k, _normalised(k, values[k])) for k in IDENTITY_KEYS if k in values and values[k] is not None)
    return BackboneDescription(name, settings)
