"""The part of an effective config that decides a model's parameters.

ppdet builds a model from `architecture`, the section named by it, every section those reference
(by name, or by a `{name: X, ...}` mapping) and the top-level keys modules read through
`__shared__` (num_classes, width_mult, ...). That plain dict is enough to rebuild the exact
key -> shape signature of a weights file without downloading it, which is what a registry entry
stores. Pure data handling: no paddle here.
"""
from __future__ import annotations

from typing import Any, Mapping

from qatfix.model.sections import model_sections as sections_of

#: every `__shared__` name of the modules registered by paddledet 2.6 (tests compare with ppdet)
SHARED_KEYS: tuple[str, ...] = (
    "act", "assign_on_cpu", "data_format", "depth_mult", "down_ratio", "eval_size",
    "exclude_nms", "exclude_post_process", "export_eb", "export_onnx", "for_distill", "for_mot",
    "freeze_norm", "hidden_dim", "mask_resolution", "metric", "mot_metric", "norm_type",
    "num_cascade_stage", "num_cascade_stages", "num_classes", "proposal_embedding_dim", "trt",
    "use_cot", "use_focal_loss", "use_shared_conv", "width_mult",
)


def model_sections(config: Mapping[str, Any]) -> dict[str, Any]:
    """`architecture`, the sections it reaches, and every `__shared__` top-level key that is set
    (runtime flags such as `eval_size` included: building the model needs them).

    `config` is an effective config as plain data (e.g. `resolve(...).plain()`). Raises KeyError
    when it has no `architecture`.
    """
    if not isinstance(config.get("architecture"), str):
        raise KeyError("architecture")
    return sections_of(config, SHARED_KEYS, keep_empty=False)
