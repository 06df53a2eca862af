"""Is a weights URL reachable? Asked with HEAD only when `--online`; answers are cached on disk."""
from __future__ import annotations

import json
import os
import time

from qatfix.record import record

CACHE_SECONDS = 7 * 24 * 3600


@record
class UrlStatus:
    """Whether a weights URL answered as missing, and why."""

    missing: bool
    reason: str


def cache_dir() -> str:
    return os.environ.get("QATFIX_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "qatfix")


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


def head_status(url: str, timeout: float = 10.0) -> UrlStatus | None:
    """HEAD the URL (following redirects); None when the network gives no answer."""
    import requests

    from qatfix.registry.urls import canonical_url

    try:
        response = requests.head(canonical_url(url), allow_redirects=True, timeout=timeout)
    except requests.RequestException:
        return None
    if response.status_code < 400:
        return UrlStatus(False, f"answers HTTP {response.status_code}")
    return UrlStatus(True, f"answers HTTP {response.status_code}")


def url_status(url: str, *, online: bool) -> UrlStatus | None:
    """The cached answer for `url`, refreshed with a HEAD request when `online`."""
    cache = _read_cache()
    entry = cache.get(url)
    fresh = entry is not None and time.time() - float(entry.get("time", 0)) < CACHE_SECONDS
    if entry is not None and (fresh or not online):
        return UrlStatus(bool(entry["missing"]), str(entry["reason"]))
    if not online:
        return None
    status = head_status(url)
    if status is not None:
        cache[url] = {"missing": status.missing, "reason": status.reason, "time": time.time()}
        _write_cache(cache)
    return status
