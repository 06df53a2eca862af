"""Downloading weights into the cache, against a local server: once, resumable, verified."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterator

import pytest

from qatfix.deep import download
from qatfix.errors import NetworkError
from tests.deep.weights_server import Served, WeightsServer

BODY = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def server() -> Iterator[WeightsServer]:
    server = WeightsServer()
    yield server
    server.close()


def test_download_once_then_from_cache(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/models/a.pdparams"] = served = Served(BODY)
    url = server.url("/models/a.pdparams")
    first = download.fetch(url, cache_dir=tmp_path, progress=False)
    assert first.read_bytes() == BODY
    port = server.httpd.server_address[1]
    assert first == tmp_path / f"127.0.0.1_{port}" / "models" / "a.pdparams"
    again = download.fetch(url, cache_dir=tmp_path, progress=False)
    assert again == first and len(served.requests) == 1
    assert not list(tmp_path.rglob("*.part"))


def test_interrupted_download_resumes_with_range(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = served = Served(BODY, cut_after=300_000)
    url = server.url("/w.pdparams")
    with pytest.raises(NetworkError, match="run again to resume"):
        download.fetch(url, cache_dir=tmp_path, progress=False)
    final = download.cache_path(url, tmp_path)
    part = final.with_name(final.name + ".part")
    assert not final.exists() and 0 < part.stat().st_size < len(BODY)
    kept = part.stat().st_size

    path = download.fetch(url, cache_dir=tmp_path, progress=False,
                          expected_md5=hashlib.md5(BODY).hexdigest())
    assert path.read_bytes() == BODY and not part.exists()
    assert served.requests[-1]["Range"] == f"bytes={kept}-"


def test_server_without_ranges_restarts_from_zero(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = Served(BODY, cut_after=1000, accept_ranges=False)
    url = server.url("/w.pdparams")
    with pytest.raises(NetworkError):
        download.fetch(url, cache_dir=tmp_path, progress=False)
    assert download.fetch(url, cache_dir=tmp_path, progress=False).read_bytes() == BODY


def test_md5_mismatch_discards_the_download(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = Served(BODY)
    url = server.url("/w.pdparams")
    with pytest.raises(NetworkError, match="MD5 .* expected 0{32}"):
        download.fetch(url, cache_dir=tmp_path, progress=False, expected_md5="0" * 32)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_server_md5_header_is_checked(server: WeightsServer, tmp_path: Path) -> None:
    wrong = "AAAAAAAAAAAAAAAAAAAAAA=="  # base64 of 16 zero bytes
    server.files["/w.pdparams"] = Served(BODY, content_md5=wrong)
    with pytest.raises(NetworkError, match="expected 0{32}"):
        download.fetch(server.url("/w.pdparams"), cache_dir=tmp_path, progress=False)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_size_mismatch_discards_the_download(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = Served(BODY)
    with pytest.raises(NetworkError, match=f"has {len(BODY)} bytes, expected 12"):
        download.fetch(server.url("/w.pdparams"), cache_dir=tmp_path, progress=False,
                       expected_size=12)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_offline_refuses_to_download(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = served = Served(BODY)
    with pytest.raises(NetworkError, match="offline"):
        download.fetch(server.url("/w.pdparams"), cache_dir=tmp_path, offline=True)
    assert served.requests == []


def test_offline_uses_the_cache(server: WeightsServer, tmp_path: Path) -> None:
    server.files["/w.pdparams"] = served = Served(BODY)
    url = server.url("/w.pdparams")
    download.fetch(url, cache_dir=tmp_path, progress=False)
    assert download.fetch(url, cache_dir=tmp_path, offline=True).read_bytes() == BODY
    assert len(served.requests) == 1


def test_http_errors_and_unreachable_hosts(server: WeightsServer, tmp_path: Path,
                                           refused_url: str) -> None:
    with pytest.raises(NetworkError, match="HTTP 404"):
        download.fetch(server.url("/missing.pdparams"), cache_dir=tmp_path, progress=False)
    url = f"{refused_url}/w.pdparams"
    with pytest.raises(NetworkError, match="cannot download"):
        download.fetch(url, cache_dir=tmp_path, progress=False, timeout=2)


def test_progress_is_drawn_only_when_asked(server: WeightsServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    server.files["/w.pdparams"] = Served(BODY)
    download.fetch(server.url("/w.pdparams"), cache_dir=tmp_path / "a")
    assert capsys.readouterr().err == ""  # stderr is not a terminal here
    download.fetch(server.url("/w.pdparams"), cache_dir=tmp_path / "b", progress=True)
    assert "100% 1.0/1.0 MB" in capsys.readouterr().err


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(download.CACHE_ENV, raising=False)
    assert download.cache_root() == Path.home() / ".cache" / "qatfix" / "weights"
    monkeypatch.setenv(download.CACHE_ENV, str(tmp_path))
    assert download.cache_path("ppdet://models/x.pdparams") == \
        tmp_path / "paddledet.bj.bcebos.com" / "models" / "x.pdparams"
    assert download.cache_path("https://h/a/../b.pdparams", tmp_path / "c") == \
        tmp_path / "c" / "h" / "a" / "b.pdparams"
    assert download.download_url("ppdet://models/x.pdparams") == \
        "https://paddledet.bj.bcebos.com/models/x.pdparams"
    assert os.fspath(download.cache_root(str(tmp_path / "d"))) == str(tmp_path / "d")
