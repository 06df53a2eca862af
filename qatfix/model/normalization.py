"""The input normalization a reader applies, as ppdet's `NormalizeImage` computes it.

`ppdet/data/transform/operators.py: NormalizeImage.apply` scales the image by 1/255 when
`is_scale` (default True), then, with `norm_type: mean_std` (the default), subtracts `mean` and
divides by `std` (defaults: the ImageNet values); `norm_type: none` skips that step, which is the
same as mean 0 / std 1. Two readers normalize alike when these three facts are equal: that is what
the network's first layer sees. The same operator may sit in `sample_transforms` or in
`batch_transforms` (PP-YOLOE's readers put it in the latter). Some operators before it divide by
255 already: `FlipWarpAffine` (CenterNet's training reader; its `is_scale` defaults to True) and
`CULaneDataProcess`, so what counts is how many times the pixels are divided by 255 in all.

The same model describes what an exported network expects: `infer_cfg.yml` lists its
Preprocess as `{type: NormalizeImage, ...}`, and with `TestReader.fuse_normalize: true` the
network normalizes itself (`BaseArch.load_meanstd` / `fuse_norm`), so its reader must pass raw
pixels (RAW). Two normalizations are the same when they map a pixel to the same value, however
they are spelled (`is_scale: false` with mean and std times 255 is ImageNet's).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, NamedTuple

from qatfix.config.nodes import KeyPath, Tagged

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
TRANSFORM_LISTS = ("sample_transforms", "batch_transforms")
#: readers whose normalization the weights' training and a run must share
READERS = ("TrainReader", "EvalReader")


class Normalization(NamedTuple):
    """What one reader does to a pixel: `(x / 255**divisions - mean) / std`."""

    #: how many times the pixels are divided by 255 up to and including NormalizeImage
    divisions: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    #: where the operator is in the effective config (reader, list, index, "NormalizeImage")
    key_path: KeyPath = ()

    def affine(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(scale, offset) per channel: the network sees `pixel * scale + offset`."""
        factor = 255.0 ** -self.divisions
        return (tuple(factor / s for s in self.std),
                tuple(-m / s for m, s in zip(self.mean, self.std)))

    def same_as(self, other: "Normalization") -> bool:
        """Both map every pixel to the same value (up to float rounding)."""
        if len(self.mean) != len(other.mean) or len(self.std) != len(other.std):
            return False
        mine, theirs = self.affine(), other.affine()
        return all(abs(a - b) <= 1e-4 * max(1e-6, abs(b))
                   for a, b in zip(mine[0] + mine[1], theirs[0] + theirs[1]))

    def describe(self) -> str:
        if self.divisions == 0 and not any(self.mean) and all(abs(s - 1) < 1e-6
                                                              for s in self.std):
            return "no NormalizeImage (raw 0-255 pixels)"
        if not any(self.mean) and all(abs(s - 1) < 1e-6 for s in self.std):
            values = "no mean/std (norm_type none, or mean 0 / std 1)"
        elif _close(self.mean, IMAGENET_MEAN) and _close(self.std, IMAGENET_STD):
            values = "ImageNet mean/std"
        else:
            values = f"mean {list(self.mean)}, std {list(self.std)}"
        scale = {0: "pixels 0-255", 1: "scaled to [0, 1]"}.get(
            self.divisions, f"divided by 255 {self.divisions} times")
        return f"{values}, {scale}"

    def as_json(self) -> list[Any]:
        return [self.divisions, list(self.mean), list(self.std)]

    @classmethod
    def from_json(cls, data: Any) -> "Normalization | None":
        if not isinstance(data, list) or len(data) != 3:
            return None
        return cls(int(data[0]), tuple(map(float, data[1])), tuple(map(float, data[2])))


#: what a network that normalizes itself takes: raw pixels
RAW = Normalization(0, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 1e-6 for x, y in zip(a, b))


def _numbers(value: Any, default: tuple[float, ...]) -> tuple[float, ...] | None:
    if value is None:
        return default
    if not isinstance(value, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    return tuple(round(float(v), 8) for v in value)


def from_arguments(args: Any, key_path: KeyPath = (), divided: int = 0) -> Normalization | None:
    """The normalization of one `NormalizeImage` entry's arguments (after `divided` earlier
    divisions by 255); None when they are not what ppdet accepts (it raises TypeError)."""
    if isinstance(args, Tagged):
        args = args.value
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return None
    is_scale = args.get("is_scale", True)
    norm_type = args.get("norm_type", "mean_std")
    mean = _numbers(args.get("mean"), IMAGENET_MEAN)
    std = _numbers(args.get("std"), IMAGENET_STD)
    if not isinstance(is_scale, bool) or norm_type not in ("mean_std", "none") or \
            mean is None or std is None or 0.0 in std:
        return None
    if norm_type == "none":
        mean, std = (0.0,) * len(mean), (1.0,) * len(std)
    return Normalization(divided + int(is_scale), mean, std, key_path)


def _divides(name: Any, args: Any) -> int:
    """How many times an operator other than NormalizeImage divides the pixels by 255."""
    if isinstance(args, Tagged):
        args = args.value
    if name == "FlipWarpAffine":
        return int(not isinstance(args, dict) or args.get("is_scale", True) is not False)
    return int(name == "CULaneDataProcess")


def _normalize_ops(get: Callable[[KeyPath], Any],
                   reader: str) -> tuple[list[Normalization | None], int]:
    """Each NormalizeImage of a reader (in order), and the divisions by 255 of all its other
    operators."""
    found = []
    divided = 0
    for kind in TRANSFORM_LISTS:
        items = get((reader, kind))
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if isinstance(item, dict) and len(item) == 1:
                (name, args), = item.items()
                if name == "NormalizeImage":
                    found.append(from_arguments(args, (reader, kind, index, name), divided))
                else:
                    divided += _divides(name, args)
    return found, divided


def reader_normalization(get: Callable[[KeyPath], Any], reader: str) -> Normalization | None:
    """The normalization of `reader` in a config (`get` reads a key path of it): its one
    `NormalizeImage`; None when it has none, several, or arguments ppdet would refuse."""
    found, _ = _normalize_ops(get, reader)
    return found[0] if len(found) == 1 else None


def reader_input(get: Callable[[KeyPath], Any], reader: str) -> Normalization | None:
    """What `reader` feeds the network: its one NormalizeImage, or the pixels as its other
    operators leave them when it has none (RAW for most); None when it cannot be read."""
    if not isinstance(get((reader,)), Mapping):
        return None
    found, divided = _normalize_ops(get, reader)
    if not found:
        return Normalization(divided, RAW.mean, RAW.std)
    return found[0] if len(found) == 1 else None


def getter(data: Any) -> Callable[[KeyPath], Any]:
    """`get` over plain nested mappings: the value at a key path, or None."""
    def get(key_path: KeyPath) -> Any:
        value = data
        for key in key_path:
            if not isinstance(value, Mapping) or key not in value:
                return None
            value = value[key]
        return value
    return get


def infer_cfg_input(preprocess: Any) -> Normalization | None:
    """What an exported model expects, from `infer_cfg.yml`'s Preprocess list
    (`[{type: NormalizeImage, mean: ..., std: ..., is_scale: ...}, ...]`): RAW when it has no
    NormalizeImage (exported with fuse_normalize); None when it cannot be read."""
    if not isinstance(preprocess, list):
        return None
    for item in preprocess:
        if isinstance(item, Mapping) and item.get("type") == "NormalizeImage":
            return from_arguments({k: v for k, v in item.items() if k != "type"})
    return RAW


def exported_input(config: Mapping[str, Any]) -> Normalization | None:
    """What the network `tools/export_model.py` writes for a model config expects: RAW with
    `TestReader.fuse_normalize`, else what its TestReader feeds."""
    reader = config.get("TestReader")
    if not isinstance(reader, Mapping):
        return None
    if reader.get("fuse_normalize") is True:
        return RAW
    return reader_input(getter(config), "TestReader")
