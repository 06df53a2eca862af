"""Say in words how the network of some weights differs from the network of a config.

Used when weights do not fit a model: "backbone ESNet(scale 0.75) in weights, LCNet(scale 0.75) in
model" tells a user more than a list of mismatched tensor shapes. Class counts are left out: a
different `num_classes` is expected when fine-tuning.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from qatfix.model.backbone import IDENTITY_KEYS, describe_backbone
from qatfix.model.sections import IGNORED_WHEN_COMPARING, canonical_json, without_keys

_MISSING = object()
_SLOT_ORDER = ("backbone", "neck", "head")
SHARED_MULTIPLIERS = ("width_mult", "depth_mult")


class SectionDifference(NamedTuple):
    """One difference: `where` is a slot ("backbone") or a key path ("PicoHeadV2.feat_in_chan")."""

    where: str
    in_weights: Any
    in_model: Any
    message: str


def _show(value: Any) -> str:
    if value is _MISSING:
        return "not set"
    if isinstance(value, (dict, list)):
        return canonical_json(value)
    return str(value)


def _slot_text(sections: Mapping[str, Any], slot: str, class_name: str) -> str:
    if slot == "backbone":
        backbone = describe_backbone(sections)
        if backbone is not None and backbone.name == class_name:
            return backbone.text
    return class_name


def _leaf_differences(prefix: str, a: Any, b: Any, out: list[tuple[str, Any, Any]]) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            _leaf_differences(f"{prefix}.{key}" if prefix else str(key), a.get(key, _MISSING),
                              b.get(key, _MISSING), out)
    elif a != b:
        out.append((prefix, a, b))


#: settings that change how a network trains or post-processes, never its parameters' names or
#: shapes (so weights load the same either way); matched against every part of a key path
NON_PARAMETER_KEYS: frozenset[str] = frozenset({
    "nms", "post_process", "drop_block", "block_size", "keep_prob", "cpu", "for_distill",
    "min_box_area", "vertical_ratio", "prior_prob", "grid_cell_scale", "cell_offset",
    "iou_weighted", "use_sigmoid", "size_range", "input_size", "eval_size",
    "cross_attn_sampling_method", "data_format", "freeze_at", "freeze_norm", "norm_decay",
    "lr_mult_list", "return_idx_weights", "l1_epoch", "use_random", "tracker", "conf_thres",
    "low_conf_thres", "match_thres", "det_thresh", "use_byte", "metric_type", "iou_aware_factor",
})


def _non_parameter(part: str) -> bool:
    lowered = part.lower()
    return (part in NON_PARAMETER_KEYS or "loss" in lowered or "assigner" in lowered
            or lowered.endswith(("_epoch", "_thres", "_thresh", "_threshold", "_weight",
                                 "_weights", "_top_k", "_ratio_thr"))
            or lowered.startswith(("nms_", "score_", "train_", "test_")))


def affects_parameters(path: str) -> bool:
    """Whether a setting at this dotted key path can change the parameters a network has."""
    return not any(_non_parameter(part) for part in path.split("."))


def _structural_slots(sections: Mapping[str, Any], arch: Any) -> dict[str, Any]:
    slots = sections.get(arch, {}) if isinstance(arch, str) else {}
    return {k: v for k, v in slots.items() if isinstance(v, str) and affects_parameters(k)}


def comparable(sections: Mapping[str, Any]) -> dict[str, Any]:
    """Model sections as they are compared: `num_classes` dropped, 1.0 written as 1."""
    return without_keys(dict(sections), IGNORED_WHEN_COMPARING)


def compare_models(weights_model: Mapping[str, Any], model: Mapping[str, Any]) -> tuple[SectionDifference, ...]:
    """Differences that change the parameters, between two model-section dicts, beyond
    `num_classes` (empty: same network). An architecture class that only wraps the same
    backbone, neck and head under the same names (YOLOv3 and PPYOLOE for PP-YOLOE) loads the
    same weights and is not a difference."""
    return compare_comparable(comparable(weights_model), comparable(model))


def compare_comparable(weights_model: Mapping[str, Any], model: Mapping[str, Any]
                       ) -> tuple[SectionDifference, ...]:
    """`compare_models` of sections already made `comparable` (one model against many)."""
    result: list[SectionDifference] = []
    arch_w, arch_m = weights_model.get("architecture"), model.get("architecture")
    explained: set[str] = set()
    if arch_w != arch_m:
        slots_w, slots_m = _structural_slots(weights_model, arch_w), _structural_slots(model, arch_m)
        if not slots_w or slots_w != slots_m:
            result.append(SectionDifference(
                "architecture", arch_w, arch_m,
                f"architecture {_show(arch_w)} in weights, {_show(arch_m)} in model"))
            return tuple(result)
        explained.update(a for a in (arch_w, arch_m) if isinstance(a, str))
    slots_w = weights_model.get(arch_w, {}) if isinstance(arch_w, str) else {}
    slots_m = model.get(arch_m, {}) if isinstance(arch_m, str) else {}
    slot_names = sorted(
        {k for k in set(slots_w) | set(slots_m)
         if (isinstance(slots_w.get(k), str) or isinstance(slots_m.get(k), str))
         and affects_parameters(k)},
        key=lambda k: (_SLOT_ORDER.index(k) if k in _SLOT_ORDER else len(_SLOT_ORDER), k),
    )
    for slot in slot_names:
        cls_w, cls_m = slots_w.get(slot, _MISSING), slots_m.get(slot, _MISSING)
        if cls_w == cls_m:
            if isinstance(cls_w, str):
                text_w = _slot_text(weights_model, slot, cls_w)
                text_m = _slot_text(model, slot, cls_m)
                if text_w != text_m:
                    result.append(SectionDifference(slot, text_w, text_m,
                                                    f"{slot} {text_w} in weights, {text_m} in model"))
                    if slot == "backbone":  # the description already names these settings
                        explained.update(f"{cls_w}.{key}" for key in IDENTITY_KEYS)
                        explained.update(SHARED_MULTIPLIERS)
            continue
        text_w = _slot_text(weights_model, slot, cls_w) if isinstance(cls_w, str) else _show(cls_w)
        text_m = _slot_text(model, slot, cls_m) if isinstance(cls_m, str) else _show(cls_m)
        result.append(SectionDifference(slot, text_w, text_m, f"{slot} {text_w} in weights, {text_m} in model"))
        explained.update(c for c in (cls_w, cls_m) if isinstance(c, str))
        explained.add(f"{arch_w}.{slot}")
    leaves: list[tuple[str, Any, Any]] = []
    for key in sorted(set(weights_model) | set(model), key=str):
        if key == "architecture" or key in explained:
            continue
        _leaf_differences(key, weights_model.get(key, _MISSING), model.get(key, _MISSING), leaves)
    for path, value_w, value_m in leaves:
        if path in explained or not affects_parameters(path):
            continue
        result.append(SectionDifference(path, value_w, value_m,
                                        f"{path} {_show(value_w)} in weights, {_show(value_m)} in model"))
    return tuple(result)
