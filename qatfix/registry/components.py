"""The component names each tree's ppdet registers (`@register`): what `create` can build.

A config names components by string (`architecture: DETR`, `post_process: DETRPostProcess`);
ppdet renames some between releases (release-2.6's `DETRBBoxPostProcess` is `DETRPostProcess`
later), and a name the running ppdet does not register stops the build. `qatfix registry
signatures` records the names (`signatures/components.json`, {tree: [names], "renamed": {old:
new}}, a rename being a name the same official config file of two trees gives in place of the
other's); read without paddle, once per process.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Mapping

from qatfix.errors import RegistryError
from qatfix.registry.signatures import COMPONENTS, default_signatures_dir

RENAMED = "renamed"


@functools.lru_cache(maxsize=1)
def _data() -> Mapping[str, Any]:
    path = default_signatures_dir() / COMPONENTS
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the component names: {exc}", path=str(path)) from None
    return data if isinstance(data, dict) else {}


def registered() -> Mapping[str, frozenset[str]]:
    """tree -> the component names its ppdet registers ({} when not recorded)."""
    return {str(tree): frozenset(map(str, names)) for tree, names in _data().items()
            if tree != RENAMED and isinstance(names, list)}


def renamed() -> Mapping[str, str]:
    """A component of one release -> its name in another, where the same official config file
    names one in place of the other."""
    value = _data().get(RENAMED)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
