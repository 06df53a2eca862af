"""The generated parameter name (`param.name`, `conv2d_27.w_0`) of each weight of a network.

Paddle numbers a layer's parameters per layer type in the order layers are constructed, in the
process that builds them; tools/train.py builds the model first, so its names are those of a
fresh build, which `qatfix registry signatures` records (`qatfix.deep.class_builds`). Pruning
configs name the filters they prune this way (`pruned_params`).

`signatures/names.json` holds, for each signature id, the names of its weights (state-dict keys
ending in `.weight` with 2 or 4 dimensions: linear and convolution weights), in state-dict order,
as runs: `["conv2d_0.w_0", 53]` stands for conv2d_0.w_0 ... conv2d_52.w_0. Read without paddle,
once per process.
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any, Mapping, Optional, Sequence

from qatfix.errors import RegistryError
from qatfix.model.signature import Signature
from qatfix.registry.signatures import (NAMES, default_signatures_dir, signature_index,
                                       signature_of)

_NUMBERED = re.compile(r"^(.*_)(\d+)(\.[wb]_\d+)$")


def named_key(key: str, shape: Sequence[int]) -> bool:
    """Whether the store keeps the name of this key: a linear or convolution weight."""
    return key.endswith(".weight") and len(shape) in (2, 4)


def encode_names(keys: Sequence[tuple[str, Sequence[int], str]]) -> list[Any]:
    """Runs of names of the named keys of [(key, shape, name)], in order."""
    runs: list[Any] = []
    previous: Optional[tuple[str, int, str]] = None
    for key, shape, name in keys:
        if not named_key(key, shape):
            continue
        match = _NUMBERED.match(name)
        parts = (match.group(1), int(match.group(2)), match.group(3)) if match else None
        if parts and previous and parts[0] == previous[0] and parts[2] == previous[2] \
                and parts[1] == previous[1] + 1:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
        previous = parts
    return runs


def decode_names(runs: Sequence[Any]) -> list[str]:
    """The names the runs stand for, in order."""
    names = []
    for first, count in runs:
        match = _NUMBERED.match(first)
        if count == 1 or not match:
            names.append(first)
            continue
        prefix, start, suffix = match.group(1), int(match.group(2)), match.group(3)
        names.extend(f"{prefix}{start + i}{suffix}" for i in range(count))
    return names


@functools.lru_cache(maxsize=1)
def _store() -> Mapping[str, Any]:
    path = default_signatures_dir() / NAMES
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the parameter names: {exc}", path=str(path)) from None
    return data if isinstance(data, dict) else {}


def names_of(signature: Signature, ident: str) -> Optional[dict[str, str]]:
    """name -> state-dict key of the named keys of a signature; None when not recorded."""
    runs = _store().get(ident)
    if runs is None:
        return None
    keys = [key for key, shape in signature.shapes.items() if named_key(key, shape)]
    names = decode_names(runs)
    if len(names) != len(keys):
        raise RegistryError(f"the names of signature {ident} do not fit its keys",
                            path=str(default_signatures_dir() / NAMES))
    return dict(zip(names, keys))


def parameter_names(tree: str, config: str) -> Optional[dict[str, str]]:
    """name -> state-dict key of the weights of the network `config` of `tree` builds, as
    tools/train.py's model gets them; None when not recorded."""
    entry = signature_index().entry(tree, config)
    signature = signature_of(tree, config)
    if not entry or signature is None:
        return None
    return names_of(signature, str(entry["signature"]))
