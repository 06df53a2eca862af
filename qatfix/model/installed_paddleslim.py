"""Where the installed PaddleSlim is, found without importing it (importing it imports paddle).

Facts qatfix takes from PaddleSlim (the keys its ACT strategy classes take, the default of
`onnx_format`) are read from its source files: they change between releases, and the release
that will run the job is the one installed beside qatfix.
"""
from __future__ import annotations

import functools
import importlib.util
import os
from typing import Optional

from qatfix.model.environment import installed_version


@functools.lru_cache(maxsize=1)
def folder() -> Optional[str]:
    """The `paddleslim` package folder, or None when PaddleSlim is not installed."""
    try:
        spec = importlib.util.find_spec("paddleslim")
    except (ImportError, ValueError):
        return None
    return os.path.dirname(spec.origin) if spec is not None and spec.origin else None


def source(relative: str) -> Optional[str]:
    """The text of a file of the installed PaddleSlim (`dygraph/quant/qat.py`), or None."""
    root = folder()
    if root is None:
        return None
    try:
        with open(os.path.join(root, relative), encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


@functools.lru_cache(maxsize=1)
def version() -> Optional[str]:
    """The installed PaddleSlim's version from its metadata, or None."""
    return installed_version("paddleslim")


def shown() -> str:
    """"PaddleSlim 2.6.0", as messages name the installed release."""
    found = version()
    return f"PaddleSlim {found}" if found else "the installed PaddleSlim"
