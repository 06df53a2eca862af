"""`--online`: unknown weights URLs are asked with HEAD, against a real HTTP server on 127.0.0.1,
and the answers are kept for 7 days (by an injected clock)."""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from qatfix.registry import url_status as url_check
from qatfix.registry.url_status import CACHE_SECONDS, UrlStatus, head_status, url_status
from tests.conftest import require_executable
from tests.rules.helpers import picodet_tree

DAY = 24 * 3600.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _heads(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log if request.method == "HEAD"]


def _cache() -> dict[str, dict[str, object]]:
    return json.loads((Path(os.environ["QATFIX_CACHE_DIR"]) / "urls.json").read_text())


def test_a_served_file_is_not_missing(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/w.pdparams", method="HEAD").respond_with_data("", status=200)
    assert head_status(httpserver.url_for("/w.pdparams")) == UrlStatus(False, "answers HTTP 200")
    assert [r.method for r, _ in httpserver.log] == ["HEAD"]  # never a GET of the whole file
    httpserver.check_assertions()


def test_404_is_missing(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.pdparams", method="HEAD").respond_with_data("", status=404)
    assert head_status(httpserver.url_for("/gone.pdparams")) == UrlStatus(True, "answers HTTP 404")


def test_redirects_are_followed_to_the_final_answer(httpserver: HTTPServer) -> None:
    def moved(to: str) -> Response:
        return Response(status=302, headers={"Location": httpserver.url_for(to)})

    httpserver.expect_request("/old.pdparams", method="HEAD").respond_with_response(
        moved("/new.pdparams"))
    httpserver.expect_request("/new.pdparams", method="HEAD").respond_with_data("", status=200)
    httpserver.expect_request("/lost.pdparams", method="HEAD").respond_with_response(
        moved("/nowhere.pdparams"))
    httpserver.expect_request("/nowhere.pdparams", method="HEAD").respond_with_data("", status=404)

    assert head_status(httpserver.url_for("/old.pdparams")) == UrlStatus(False, "answers HTTP 200")
    assert head_status(httpserver.url_for("/lost.pdparams")) == UrlStatus(True, "answers HTTP 404")
    assert _heads(httpserver) == ["/old.pdparams", "/new.pdparams", "/lost.pdparams",
                                  "/nowhere.pdparams"]


def test_no_answer_is_unknown_not_missing(httpserver: HTTPServer, refused_url: str) -> None:
    answered = threading.Event()
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(30)  # answers only once the client has returned
        answered.set()
        return Response(status=404)

    httpserver.expect_request("/slow.pdparams", method="HEAD").respond_with_handler(slow)
    # the server would answer 404, but only after the client returned: None means the client
    # gave up at its timeout
    assert head_status(httpserver.url_for("/slow.pdparams"), timeout=0.3) is None
    assert not answered.is_set()
    release.set()
    assert answered.wait(10)  # let the server finish before the next test uses it
    deadline = time.monotonic() + 5
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.02)
    assert head_status(f"{refused_url}/w.pdparams", timeout=2) is None


def test_ppdet_urls_are_asked_where_ppdet_downloads_them() -> None:
    asked: list[tuple[str, float]] = []

    def opener(url: str, timeout: float) -> int:
        asked.append((url, timeout))
        return 404

    assert head_status(" ppdet://models/x.pdparams", 4.0, opener=opener) == \
        UrlStatus(True, "answers HTTP 404")
    assert asked == [("https://paddledet.bj.bcebos.com/models/x.pdparams", 4.0)]


def test_answers_are_cached_for_seven_days(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/w.pdparams", method="HEAD").respond_with_data("", status=404)
    url = httpserver.url_for("/w.pdparams")
    clock = Clock()

    assert url_status(url, online=False, clock=clock) is None  # nothing known, nothing asked
    assert _heads(httpserver) == []
    missing = UrlStatus(True, "answers HTTP 404")
    assert url_status(url, online=True, clock=clock) == missing
    assert _cache() == {url: {"missing": True, "reason": "answers HTTP 404", "time": clock.now}}
    assert len(_heads(httpserver)) == 1

    clock.now += CACHE_SECONDS - 1
    assert CACHE_SECONDS == 7 * DAY
    assert url_status(url, online=True, clock=clock) == missing
    assert len(_heads(httpserver)) == 1  # still fresh: not asked again

    clock.now += 1  # exactly 7 days old: stale
    httpserver.clear()
    httpserver.expect_request("/w.pdparams", method="HEAD").respond_with_data("", status=200)
    assert url_status(url, online=False, clock=clock) == missing  # offline keeps the old answer
    assert _heads(httpserver) == []
    assert url_status(url, online=True, clock=clock) == UrlStatus(False, "answers HTTP 200")
    assert len(_heads(httpserver)) == 1
    assert _cache()[url] == {"missing": False, "reason": "answers HTTP 200", "time": clock.now}


def test_no_answer_is_not_cached(refused_url: str) -> None:
    url = f"{refused_url}/w.pdparams"
    assert url_status(url, online=True, clock=Clock(), timeout=2) is None
    assert not (Path(os.environ["QATFIX_CACHE_DIR"]) / "urls.json").exists()


def test_a_broken_cache_file_is_ignored(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/w.pdparams", method="HEAD").respond_with_data("", status=200)
    (Path(os.environ["QATFIX_CACHE_DIR"]) / "urls.json").write_text("[not json")
    url = httpserver.url_for("/w.pdparams")
    assert url_status(url, online=True) == UrlStatus(False, "answers HTTP 200")
    assert set(_cache()) == {url}
    assert url_check.cache_dir() == os.environ["QATFIX_CACHE_DIR"]


def test_check_online_in_a_fresh_process(httpserver: HTTPServer, tmp_path: Path) -> None:
    """`qatfix check --online` reports an unknown URL the server says is gone; without
    `--online` the same run asks nothing and reports nothing about it."""
    httpserver.expect_request("/mine.pdparams", method="HEAD").respond_with_data("", status=404)
    url = httpserver.url_for("/mine.pdparams")
    model, slim = picodet_tree(tmp_path / "tree", weights=url)
    qatfix = require_executable("qatfix")

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([qatfix, "check", "-c", model, "--slim_config", slim,
                               "--format", "json", *extra], capture_output=True, text=True,
                              timeout=120)

    offline = run()
    assert offline.returncode == 0, offline.stderr
    assert "QF103" not in offline.stdout and _heads(httpserver) == []

    online = run("--online")
    assert online.returncode == 1, online.stderr
    [finding] = [f for f in json.loads(online.stdout)["findings"] if f["code"] == "QF103"]
    assert finding["message"] == \
        f"pretrain_weights: {url} is not an official weight and answers HTTP 404"
    assert _heads(httpserver) == ["/mine.pdparams"]

    httpserver.clear()  # the answer is now cached: a later offline run still knows it
    again = run()
    assert again.returncode == 1 and "answers HTTP 404" in again.stdout
    assert _heads(httpserver) == []

