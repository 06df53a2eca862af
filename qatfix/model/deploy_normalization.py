"""What a reader does to pixel values, as one per-channel affine map, so two spellings of the
same normalization compare equal (`{mean: [0,0,0], std: [1,1,1]}` is `norm_type: none`).

ppdet's `NormalizeImage` (ppdet/data/transform/operators.py) divides by 255 when `is_scale`
(default true), then, for `norm_type: mean_std` (the default), subtracts `mean` and divides by
`std`. With `TestReader.fuse_normalize: true` the exported network does that itself
(`BaseArch.load_meanstd` / `fuse_norm` in ppdet/modeling/architectures/meta_arch.py) and the
deployment reader must pass raw pixels.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

from qatfix.record import record

_DEFAULT_MEAN = (0.485, 0.456, 0.406)
_DEFAULT_STD = (0.229, 0.224, 0.225)


@record
class Normalization:
    """pixel -> pixel * scale[c] + offset[c], per channel; `text` says it as the config does."""

    scale: tuple[float, float, float]
    offset: tuple[float, float, float]
    text: str

    def same_as(self, other: "Normalization") -> bool:
        return all(abs(a - b) <= 1e-3 * max(1.0, abs(b))
                   for a, b in zip(self.scale + self.offset, other.scale + other.offset))


RAW = Normalization((1.0, 1.0, 1.0), (0.0, 0.0, 0.0), "no NormalizeImage (raw 0-255 pixels)")


def _three(value: Any, default: tuple[float, ...]) -> Optional[tuple[float, float, float]]:
    if value is None:
        value = default
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return (float(value[0]), float(value[1]), float(value[2]))
    return None


def _short(values: tuple[float, ...]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def from_settings(settings: Mapping[str, Any]) -> Optional[Normalization]:
    """The map of one NormalizeImage op's settings; None when they are not plain numbers."""
    mean = _three(settings.get("mean"), _DEFAULT_MEAN)
    std = _three(settings.get("std"), _DEFAULT_STD)
    if mean is None or std is None or 0.0 in std:
        return None
    is_scale = settings.get("is_scale", True) is not False
    factor = 1.0 / 255.0 if is_scale else 1.0
    norm_type = settings.get("norm_type", "mean_std")
    if norm_type == "none":
        return Normalization((factor,) * 3, (0.0,) * 3,
                             f"NormalizeImage norm_type none, is_scale {is_scale}")
    scale = tuple(factor / s for s in std)
    offset = tuple(-m / s for m, s in zip(mean, std))
    return Normalization(scale, offset,  # type: ignore[arg-type]
                         f"NormalizeImage mean {_short(mean)}, std {_short(std)}, "
                         f"is_scale {is_scale}")


def of_transforms(transforms: Any) -> Optional[Normalization]:
    """The normalization of a ppdet transform list (`[{NormalizeImage: {...}}, ...]`) or of an
    `infer_cfg.yml` Preprocess list (`[{type: NormalizeImage, ...}]`); RAW without one; None
    when it cannot be read."""
    if not isinstance(transforms, list):
        return None
    for item in transforms:
        if not isinstance(item, Mapping):
            continue
        if item.get("type") == "NormalizeImage":
            return from_settings(item)
        settings = item.get("NormalizeImage")
        if "NormalizeImage" in item:
            return from_settings(settings if isinstance(settings, Mapping) else {})
    return RAW


def of_reader(reader: Any) -> Optional[Normalization]:
    """What a reader section (`EvalReader`, `TestReader`) feeds the network."""
    if not isinstance(reader, Mapping):
        return None
    return of_transforms(reader.get("sample_transforms"))


def exported(config: Mapping[str, Any]) -> Optional[Normalization]:
    """What the network `tools/export_model.py` writes for this model config expects: RAW with
    `TestReader.fuse_normalize`, else the TestReader's own normalization."""
    reader = config.get("TestReader")
    if not isinstance(reader, Mapping):
        return None
    if reader.get("fuse_normalize") is True:
        return RAW
    return of_reader(reader)
