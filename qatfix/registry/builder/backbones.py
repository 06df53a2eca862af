"""What backbone an ImageNet-style checkpoint holds, judged by the configs that load it."""
from __future__ import annotations

from collections import Counter
from typing import Any

from qatfix.model.backbone import describe_backbone
from qatfix.registry.builder.drafts import Draft
from qatfix.registry.builder.identities import IdentityCache


def backbone_values(draft: Draft, cache: IdentityCache, notes: list[str]) -> dict[str, Any]:
    """Backbone facts of a checkpoint, from the configs that name it as `pretrain_weights`.

    Each config setting it is resolved; the most common backbone description wins and any others
    are noted.
    """
    seen: Counter[str] = Counter()
    classes: dict[str, tuple[str, str]] = {}
    for ref in draft.refs:
        identity = cache.identity(draft.tree, ref.config)
        if identity is not None and identity.backbone:
            seen[identity.backbone] += 1
            described = describe_backbone(identity.model)
            if described:
                classes[identity.backbone] = (described.name, ", ".join(f"{k} {v}" for k, v in described.settings))
    if not seen:
        return {}
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = ranked[0][0]
    if len(ranked) > 1:
        notes.append("configs use it with " + ", ".join(f"{b} ({n})" for b, n in ranked))
    class_name, settings = classes[chosen]
    return dict(backbone=chosen, family=class_name.lower(), variant=settings or None)
