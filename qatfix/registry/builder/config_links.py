"""Turn a README's config link into a path relative to the PaddleDetection root.

Links are GitHub URLs of any branch (`.../tree/release/2.3/configs/x.yml`) or paths relative to
the README (`../slim/quant/x.yml`); both become `configs/...`.
"""
from __future__ import annotations

import posixpath
import re
from typing import Optional
from qatfix.config.resolve import YAML_SUFFIXES

_GITHUB = re.compile(r"^https?://github\.com/[^/]+/[^/]+/(?:tree|blob|raw)/.*?/(?P<path>configs/.*)$", re.IGNORECASE)


def is_config_link(target: str) -> bool:
    return target.split("#", 1)[0].split("?", 1)[0].lower().endswith(YAML_SUFFIXES)


def config_path_from_link(target: str, readme: str) -> Optional[str]:
    """`configs/...` path a link points to, or None when it leaves the configs tree.

    `readme` is the README's own path relative to the root (`configs/picodet/README.md`).
    """
    link = target.strip().split("#", 1)[0].split("?", 1)[0]
    if not is_config_link(link):
        return None
    match = _GITHUB.match(link)
    if match:
        path = posixpath.normpath(match["path"])
    elif re.match(r"^[a-z]+://", link, re.IGNORECASE):
        return None
    elif link.startswith("/"):
        path = posixpath.normpath(link.lstrip("/"))
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(readme), link))
    return path if path.startswith("configs/") else None
