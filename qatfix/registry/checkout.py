"""Which of the registry's trees a PaddleDetection checkout's ppdet is, from the version its
`setup.py` declares and the `ppdet/version.py` it writes (what ppdet reports as its version), or,
for a checkout that declares none, from its source's fingerprint.

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
from pathlib import Path
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


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def installed_version(version_text: str) -> Optional[str]:
    """`full_version` of the `ppdet/version.py` setup.py writes (`full_version    = '2.6.0'`),
    the version ppdet reports (`ppdet.__version__`)."""
    for line in version_text.splitlines():
        name, equals, value = line.partition("=")
        value = value.strip()
        if name.strip() == "full_version" and equals and value[:1] in "\"'" and len(value) > 1:
            return value[1:value.find(value[0], 1)] or None
    return None


def _source_tree(run_root: str) -> Optional[str]:
    """The shipped tree whose ppdet/ and tools/ sources the checkout's are (their fingerprint
    in config_keys.json), for a checkout that declares no version."""
    from qatfix.registry.ppdet_source import source_digest

    try:
        with open(shipped_path("config_keys.json"), encoding="utf-8") as handle:
            sources = json.load(handle).get("sources", {})
    except (OSError, ValueError, AttributeError):
        return None
    digest = source_digest(Path(run_root))
    return next((str(tree) for tree, known in sorted(sources.items()) if known == digest), None)


@functools.lru_cache(maxsize=64)
def checkout_release(run_root: str) -> tuple[Optional[str], Optional[str]]:
    """(registry tree, None) of the PaddleDetection checkout at `run_root` when its ppdet is a
    release the registry was built from; (None, what it declares) when it is a checkout of
    another or an unknown release; (None, None) when the folder is not a checkout.

    The version is the one `setup.py` declares (`PPDET_VERSION`) and the one it wrote into
    `ppdet/version.py` at installation, which ppdet reports; two that disagree (a checkout
    switched to another branch after installing) say no release; a checkout declaring none is
    known by its source's fingerprint."""
    if not os.path.isdir(os.path.join(run_root, "ppdet")):
        return None, None
    setup = _read(os.path.join(run_root, "setup.py"))
    installed = _read(os.path.join(run_root, "ppdet", "version.py"))
    declared = declared_version(setup) if setup is not None else None
    reported = installed_version(installed) if installed is not None else None
    if declared and reported and declared != reported:
        return None, (f"declares version {declared} in setup.py and {reported} in "
                      "ppdet/version.py")
    version = declared or reported
    if version:
        tree = tree_of_version(version)
        return (tree, None) if tree else (None, f"declares version {version}")
    if not os.path.isfile(os.path.join(run_root, "ppdet", "__init__.py")):
        return None, None  # no ppdet source to tell (a folder named like it)
    tree = _source_tree(run_root)
    if tree:
        return tree, None
    return None, ("declares no version (no setup.py or ppdet/version.py) and its source is "
                  "neither shipped tree's")


def checkout_tree(run_root: str) -> Optional[str]:
    """The registry tree whose ppdet the checkout at `run_root` runs; None when the folder is
    not a PaddleDetection checkout or its version is not one the registry was built from."""
    return checkout_release(run_root)[0]


def unknown_release(run_root: str) -> Optional[str]:
    """What a PaddleDetection checkout at `run_root` declares of its ppdet when the registry
    has no tree of it (`declares version 2.5.0`; None: not a checkout, or a known release)."""
    return checkout_release(run_root)[1]


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
