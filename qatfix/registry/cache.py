"""Where qatfix keeps what it learned between runs (URL answers, facts read from a checkout's
source): `$QATFIX_CACHE_DIR`, else `~/.cache/qatfix`."""
from __future__ import annotations

import os

CACHE_ENV = "QATFIX_CACHE_DIR"


def cache_dir() -> str:
    return os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache", "qatfix")
