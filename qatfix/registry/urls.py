"""One spelling per weights file, so that every way of writing a URL finds the same entry.

PaddleDetection spells the same file several ways: `ppdet://models/x.pdparams`,
`http://paddledet.bj.bcebos.com/models/x.pdparams`, the path-style
`https://bj.bcebos.com/v1/paddledet/models/x.pdparams`, with or without `.pdparams`, sometimes with
a query string. `canonical_url` maps all of them to `https://paddledet.bj.bcebos.com/models/x.pdparams`.
"""
from __future__ import annotations

import re
import os

PPDET_PREFIX = "ppdet://"
PPDET_BASE = "https://paddledet.bj.bcebos.com/"
SUFFIX = ".pdparams"

_SCHEME = re.compile(r"^(https?)://", re.IGNORECASE)
# Baidu object storage serves a bucket both as `bucket.bj.bcebos.com/key` and `bj.bcebos.com/v1/bucket/key`
_PATH_STYLE = re.compile(r"^(?P<region>[a-z0-9-]+)\.bcebos\.com/v1/(?P<bucket>[a-z0-9][a-z0-9-]*)/(?P<key>.*)$")


def is_url(value: str) -> bool:
    """True for the remote forms ppdet downloads (`http(s)://`, `ppdet://`)."""
    text = value.strip()
    return text.startswith(PPDET_PREFIX) or bool(_SCHEME.match(text))


def canonical_url(value: str) -> str:
    """The canonical https spelling of a weights URL (see module docstring).

    Raises ValueError when `value` is not a URL; local paths have no canonical URL.
    """
    text = value.strip()
    if text.startswith(PPDET_PREFIX):
        text = PPDET_BASE + text[len(PPDET_PREFIX):].lstrip("/")
    match = _SCHEME.match(text)
    if not match:
        raise ValueError(f"not a weights URL: {value!r}")
    rest = text[match.end():]
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower()
    path = re.sub(r"/{2,}", "/", path).lstrip("/")
    location = f"{host}/{path}"
    path_style = _PATH_STYLE.match(location)
    if path_style:
        location = f"{path_style['bucket']}.{path_style['region']}.bcebos.com/{path_style['key']}"
    if not location.endswith(SUFFIX):
        location = location.rstrip("/") + SUFFIX
    return "https://" + location


def weights_stem(value: str) -> str:
    """The file name without directory, query and `.pdparams`: what ppdet caches it as."""
    text = value.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    base = re.split(r"[\\/]", text)[-1]
    return base[: -len(SUFFIX)] if base.endswith(SUFFIX) else base


#: suffixes ppdet's `_strip_postfix` accepts on a local weights path
PPDET_SUFFIXES = ("", ".pdparams", ".pdopt", ".pdmodel")


def split_weights_suffix(path: str) -> tuple[str, str]:
    """(path without its suffix, suffix) as ppdet's `_strip_postfix` splits a local weights path;
    ppdet then loads `<stem>.pdparams`. A suffix not in `PPDET_SUFFIXES` is one ppdet rejects."""

    stem, suffix = os.path.splitext(path)
    return (stem, suffix) if suffix in PPDET_SUFFIXES else (path, suffix)
