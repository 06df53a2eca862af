"""Is a weights URL reachable? Asked with HEAD only when `--online`; answers are cached on disk."""
from __future__ import annotations

from dataclasses import dataclass
import json
import os
import time
from typing import Callable

from qatfix.registry.cache import cache_dir
from qatfix.registry.urls import PPDET_BASE, PPDET_PREFIX

CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class UrlStatus:
    """Whether a weights URL answered as missing, and why."""

    missing: bool
    reason: str


def _cache_file() -> str:
    return os.path.join(cache_dir(), "urls.json")


def _read_cache() -> dict[str, dict[str, object]]:
    try:
        with open(_cache_file(), encoding="utf-8") as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_cache(cache: dict[str, dict[str, object]]) -> None:
    path = _cache_file()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = f"{path}.{os.getpid()}.tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(cache, handle, indent=1, sort_keys=True)
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written only costs a later request


#: HEADs a URL (following redirects) and returns the final HTTP status; raises OSError when the
#: network gives no answer (refused, timed out, no route)
Opener = Callable[[str, float], int]


def requests_head(url: str, timeout: float) -> int:
    """The default opener: `requests.head` with redirects followed."""
    import requests  # the HTTP boundary: imported only when a request is made

    try:
        return requests.head(url, allow_redirects=True, timeout=timeout).status_code
    except requests.RequestException as exc:
        raise OSError(str(exc)) from exc


def head_status(url: str, timeout: float = 10.0, *, opener: Opener | None = None) -> UrlStatus | None:
    """HEAD the URL ppdet would download (following redirects); None when the network gives no
    answer."""
    target = url.strip().replace(PPDET_PREFIX, PPDET_BASE, 1)
    try:
        code = (opener or requests_head)(target, timeout)
    except OSError:
        return None
    return UrlStatus(code >= 400, f"answers HTTP {code}")


def url_status(url: str, *, online: bool, clock: Callable[[], float] = time.time,
               opener: Opener | None = None, timeout: float = 10.0) -> UrlStatus | None:
    """The cached answer for `url`, refreshed with a HEAD request when `online` and the cached
    one is older than `CACHE_SECONDS` (by `clock`)."""
    cache = _read_cache()
    entry = cache.get(url)
    stamp = entry.get("time", 0) if entry is not None else 0
    fresh = entry is not None and isinstance(stamp, (int, float)) and \
        clock() - stamp < CACHE_SECONDS
    if entry is not None and (fresh or not online):
        return UrlStatus(bool(entry["missing"]), str(entry["reason"]))
    if not online:
        return None
    status = head_status(url, timeout, opener=opener)
    if status is not None:
        cache[url] = {"missing": status.missing, "reason": status.reason, "time": clock()}
        _write_cache(cache)
    return status
