"""Which of the registry's trees a PaddleDetection checkout's ppdet is, from the version its
`setup.py` declares.

`tools/train.py` puts the checkout's own `ppdet/` first on `sys.path`, so a run builds the model
that checkout's code builds, and one config can build another state dict in another ppdet
version: release-2.6 and develop build different METRO and TinyPose3D networks from the same
YAML. The model's signature is therefore taken from the tree the checkout is, when it is known.
A source checkout of develop declares version 0.0.0; a release branch its release number.
"""
from __future__ import annotations

import functools
import json
import os
from typing import Optional

from qatfix.registry.loader import shipped_path

_MARKER = "PPDET_VERSION"


def declared_version(setup_text: str) -> Optional[str]:
    """The value of `PPDET_VERSION = "..."` in a setup.py's text (string work: no regex)."""
    start = setup_text.find(_MARKER)
    while start != -1:
        end = setup_text.find("\n", start)
        line = setup_text[start:] if end == -1 else setup_text[start:end]
        name, equals, value = line.partition("=")
        value = value.strip()
        if name.strip() == _MARKER and equals and value[:1] in "\"'" and len(value) > 1:
            return value[1:value.find(value[0], 1)] or None
        start = setup_text.find(_MARKER, start + len(_MARKER))
    return None


@functools.lru_cache(maxsize=1)
def _branches() -> dict[str, str]:
    """Registry tree label by branch (`develop`, `release/2.6`), from the shipped trees.json."""
    try:
        with open(shipped_path("trees.json"), encoding="utf-8") as handle:
            trees = json.load(handle)
    except (OSError, ValueError):
        return {}
    return {str(info.get("branch")): label for label, info in trees.items()
            if isinstance(info, dict)}


def tree_of_version(version: str) -> Optional[str]:
    """The registry tree of a ppdet version: 0.0.0 is develop, 2.6.x is release/2.6."""
    branches = _branches()
    if version == "0.0.0":
        return branches.get("develop")
    major_minor = ".".join(version.split(".")[:2])
    return branches.get(f"release/{major_minor}")


@functools.lru_cache(maxsize=64)
def checkout_tree(run_root: str) -> Optional[str]:
    """The registry tree whose ppdet the checkout at `run_root` runs; None when the folder is
    not a PaddleDetection checkout or its version is not one the registry was built from."""
    try:
        with open(os.path.join(run_root, "setup.py"), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    if not os.path.isdir(os.path.join(run_root, "ppdet")):
        return None
    version = declared_version(text)
    return tree_of_version(version) if version else None


@functools.lru_cache(maxsize=64)
def unknown_release(run_root: str) -> Optional[str]:
    """The ppdet version a PaddleDetection checkout at `run_root` declares when the registry
    has no tree of it (None: not a checkout, or a known release)."""
    try:
        with open(os.path.join(run_root, "setup.py"), encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    if not os.path.isdir(os.path.join(run_root, "ppdet")):
        return None
    version = declared_version(text)
    return version if version and tree_of_version(version) is None else None


@functools.lru_cache(maxsize=256)
def checkout_defines(run_root: str, name: str) -> bool:
    """Whether the `ppdet/` source of the checkout at `run_root` defines a class `name` (what
    tools/train.py there registers, whatever package is installed)."""
    needle = f"class {name}("
    package = os.path.join(run_root, "ppdet")
    for folder, _, files in os.walk(package):
        for file in files:
            if not file.endswith(".py"):
                continue
            try:
                with open(os.path.join(folder, file), encoding="utf-8") as handle:
                    if needle in handle.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False
