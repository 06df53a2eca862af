"""Which files under a folder are configs to check, and which are only bases of others."""
from __future__ import annotations

import os

from qatfix.config import base_path, load_document
from qatfix.config.nodes import ConfigList, ConfigMap
from qatfix.config.resolve import YAML_SUFFIXES
from qatfix.errors import QatfixError



def yaml_files(folder: str) -> list[str]:
    found: list[str] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(current, f) for f in sorted(files) if f.endswith(YAML_SUFFIXES))
    return found


def included_bases(files: list[str]) -> set[str]:
    """Every file that some file in `files` lists in its `_BASE_`."""
    bases: set[str] = set()
    for path in files:
        try:
            data = load_document(path).construct()
        except QatfixError:
            continue
        if isinstance(data, ConfigMap) and isinstance(data.get("_BASE_"), ConfigList):
            bases.update(base_path(path, entry) for entry in data["_BASE_"]
                         if isinstance(entry, str))
    return bases


def configs_in(folder: str) -> list[str]:
    """Configs under `folder` that are not only bases: not in a `_base_` folder, and not
    included by another file there."""
    files = yaml_files(folder)
    bases = included_bases(files)
    return [f for f in files if f"{os.sep}_base_{os.sep}" not in f and
            os.path.normpath(f) not in bases]
