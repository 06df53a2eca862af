"""Download a weights URL once into a cache folder, resumably and verifiably.

The file is streamed into `<name>.part` next to its final place and renamed only when complete and
checked (size from the server or the caller, MD5 from the caller or the server's `Content-MD5`),
so the cache never holds a half file under the real name. An interrupted download keeps its
`.part`; the next call asks for the rest with an HTTP Range request. `offline=True` never touches
the network and says what is missing instead.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import sys
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from qatfix.errors import NetworkError
from qatfix.registry.urls import PPDET_BASE, PPDET_PREFIX

CACHE_ENV = "QATFIX_CACHE_DIR"
DEFAULT_TIMEOUT = 30.0
_CHUNK = 1 << 16


def download_url(value: str) -> str:
    """The URL ppdet fetches for a weights value (`ppdet://` mapped as ppdet maps it)."""
    return value.replace(PPDET_PREFIX, PPDET_BASE)


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """`cache_dir`, else `$QATFIX_CACHE_DIR`, else `~/.cache/qatfix/weights`."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    return Path.home() / ".cache" / "qatfix" / "weights"


def cache_path(url: str, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """`<cache>/<host>/<path>`: readable, and distinct for distinct URLs of the same name."""
    parts = urlsplit(download_url(url))
    safe = [re.sub(r"[^A-Za-z0-9._+-]", "_", unquote(p)) for p in parts.path.split("/")]
    safe = [p for p in safe if p not in ("", ".", "..")] or ["weights"]
    host = re.sub(r"[^A-Za-z0-9.-]", "_", parts.netloc) or "local"
    return cache_root(cache_dir).joinpath(host, *safe)


def _md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _header_md5(value: str | None) -> str | None:
    """`Content-MD5` (base64 of the digest, as Baidu object storage sends it) as hex."""
    if not value:
        return None
    try:
        raw = base64.b64decode(value.strip().strip('"'), validate=True)
    except (binascii.Error, ValueError):
        return None
    return binascii.hexlify(raw).decode() if len(raw) == 16 else None


def _total_from_range(value: str | None) -> int | None:
    match = re.match(r"bytes\s+(\d+)-\d+/(\d+)", value or "")
    return int(match.group(2)) if match else None


def _range_start(value: str | None) -> int | None:
    match = re.match(r"bytes\s+(\d+)-", value or "")
    return int(match.group(1)) if match else None


class _Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, total: int | None, done: int, stream: IO[str]) -> None:
        self.label, self.total, self.done, self.stream = label, total, done, stream

    def advance(self, count: int) -> None:
        self.done += count
        mb = self.done / 1e6
        if self.total:
            text = f"{self.done * 100 // self.total:3d}% {mb:.1f}/{self.total / 1e6:.1f} MB"
        else:
            text = f"{mb:.1f} MB"
        self.stream.write(f"\rdownloading {self.label} {text}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def fetch(url: str, *, cache_dir: str | os.PathLike[str] | None = None, offline: bool = False,
          expected_size: int | None = None, expected_md5: str | None = None,
          timeout: float = DEFAULT_TIMEOUT, progress: bool | None = None) -> Path:
    """The cached file for `url`, downloading it first if needed. Raises NetworkError."""
    url = download_url(url)
    final = cache_path(url, cache_dir)
    if final.is_file() and (expected_size is None or final.stat().st_size == expected_size):
        return final
    if offline:
        raise NetworkError(f"{url} is not in the weights cache ({final}) and downloading is "
                           "off (offline)")
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    show = sys.stderr.isatty() if progress is None else progress
    server_md5 = _download_to(part, url, timeout=timeout, show_progress=show,
                              expected_size=expected_size)
    _verify(part, url, expected_size, (expected_md5 or server_md5 or "").lower() or None)
    os.replace(part, final)
    return final


def _download_to(part: Path, url: str, *, timeout: float, show_progress: bool,
                 expected_size: int | None) -> str | None:
    """Stream `url` into `part`, resuming from its current size; returns the server's MD5."""
    import requests

    offset = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        response = requests.get(url, stream=True, timeout=timeout, headers=headers)
    except requests.RequestException as exc:
        raise NetworkError(f"cannot download {url}: {type(exc).__name__}") from None
    with response:
        if response.status_code == 416 and offset and offset == expected_size:
            return None  # the part file is already whole
        if response.status_code == 416:
            part.unlink()
            raise NetworkError(f"the partial download of {url} does not fit the file on the "
                               "server any more; it was removed, run again to start over")
        if response.status_code == 206 and _range_start(response.headers.get("Content-Range")) \
                == offset:
            mode, total = "ab", _total_from_range(response.headers.get("Content-Range"))
            server_md5 = None  # a Content-MD5 of a range describes the range only
        elif response.status_code == 200:
            mode, offset = "wb", 0
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            server_md5 = _header_md5(response.headers.get("Content-MD5"))
        else:
            raise NetworkError(f"cannot download {url}: HTTP {response.status_code}")
        bar = _Progress(part.name[:-len(".part")], total, offset, sys.stderr) \
            if show_progress else None
        try:
            with open(part, mode) as handle:
                for chunk in response.iter_content(_CHUNK):
                    handle.write(chunk)
                    if bar:
                        bar.advance(len(chunk))
        except requests.RequestException as exc:
            raise NetworkError(f"download of {url} was interrupted ({type(exc).__name__}); "
                               "run again to resume it") from None
        finally:
            if bar:
                bar.close()
    got = part.stat().st_size
    if total is not None and got < total:
        raise NetworkError(f"download of {url} stopped at {got} of {total} bytes; "
                           "run again to resume it")
    if total is not None and got > total:
        part.unlink()
        raise NetworkError(f"{url} gave {got} bytes, more than the {total} announced; "
                           "the download was discarded")
    return server_md5


def _verify(part: Path, url: str, expected_size: int | None, expected_md5: str | None) -> None:
    size = part.stat().st_size
    if expected_size is not None and size != expected_size:
        part.unlink()
        raise NetworkError(f"{url} has {size} bytes, expected {expected_size}; "
                           "the download was discarded")
    if expected_md5 is not None:
        actual = _md5_of(part)
        if actual != expected_md5:
            part.unlink()
            raise NetworkError(f"{url} has MD5 {actual}, expected {expected_md5}; "
                               "the download was discarded")
