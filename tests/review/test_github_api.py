"""The GitHub client on its own: retry decisions, bounds, pagination safety, secrecy."""
from __future__ import annotations

import re

import pytest

from qatfix.review.github_api import GitHubClient, GitHubError, Secret
from qatfix.review.retry import RetryPolicy, retry_delay
from tests.review.conftest import TOKEN
from tests.review.github_fake import Canned, FakeGitHub, diff_entry

POLICY = RetryPolicy()


@pytest.mark.parametrize("status, headers, message, expected", [
    (502, {}, "", 2.0),                                       # attempt 2: backoff 2s
    (503, {"Retry-After": "9"}, "", 9.0),
    (403, {"Retry-After": "5"}, "secondary rate limit", 5.0),
    (429, {"retry-after": "3"}, "", 3.0),
    (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1100"}, "", 101.0),
    (403, {}, "You have exceeded a secondary rate limit.", 120.0),
    (429, {}, "", 120.0),
    (403, {}, "Resource not accessible by integration", None),
    (404, {}, "Not Found", None),
    (422, {}, "Unprocessable Entity", None),
    (None, {}, "ConnectionError", 2.0),
])
def test_retry_delay(status, headers, message, expected):
    assert retry_delay(status, headers, 2, policy=POLICY, now=1000.0, message=message) == expected


def test_retry_after_as_http_date():
    delay = retry_delay(503, {"Retry-After": "Thu, 01 Jan 1970 00:17:00 GMT"}, 1,
                        policy=POLICY, now=1000.0)
    assert delay == 20.0


@pytest.fixture
def fake(httpserver) -> FakeGitHub:  # type: ignore[no-untyped-def]
    github = FakeGitHub(token=TOKEN, base_url=httpserver.url_for("").rstrip("/"))
    httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(github)
    return github


def client_for(fake: FakeGitHub, sleeps: list[float], **policy: float) -> GitHubClient:
    return GitHubClient(fake.base_url, Secret(TOKEN), sleep=sleeps.append,
                        policy=RetryPolicy(**policy))  # type: ignore[arg-type]


def test_total_sleep_is_bounded(fake: FakeGitHub):
    sleeps: list[float] = []
    fake.fail_next("GET", "files", Canned(403, {"message": "secondary rate limit"},
                                          {"Retry-After": "400"}))
    with pytest.raises(GitHubError) as info:
        list(client_for(fake, sleeps).paginate("/repos/octo/detector/pulls/7/files"))
    assert sleeps == [] and info.value.status == 403
    assert "secondary rate limit" in str(info.value)


def test_sleeps_add_up_within_the_budget(fake: FakeGitHub):
    sleeps: list[float] = []
    fake.fail_next("GET", "files", *[Canned(502, {"message": "Bad Gateway"})] * 3)
    client = client_for(fake, sleeps, max_total_sleep=5.0)
    with pytest.raises(GitHubError, match="HTTP 502 after 3 attempts"):
        list(client.paginate("/repos/octo/detector/pulls/7/files"))
    assert sleeps == [1.0, 2.0]  # a third wait of 4s would exceed 5s in total


def test_connection_failures_are_retried_then_reported():
    sleeps: list[float] = []
    client = GitHubClient("http://127.0.0.1:9", Secret(TOKEN), sleep=sleeps.append,
                          policy=RetryPolicy(max_attempts=3), timeout=2)
    with pytest.raises(GitHubError, match="no response after 3 attempts") as info:
        client.get_json("/repos/octo/detector/pulls/7")
    assert sleeps == [1.0, 2.0] and info.value.status is None
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)


def test_pagination_never_follows_a_link_to_another_host(fake: FakeGitHub):
    fake.files = [diff_entry(f"f{i}.yml", None) for i in range(150)]
    client = client_for(fake, [])
    fake.base_url = "http://evil.example"  # Link headers now point elsewhere
    pages = client.paginate("/repos/octo/detector/pulls/7/files")
    assert len([next(pages) for _ in range(100)]) == 100
    with pytest.raises(GitHubError, match="another host: evil.example"):
        next(pages)
    assert len(fake.log) == 1


def test_the_token_is_never_shown():
    secret = Secret(TOKEN)
    client = GitHubClient("https://api.github.com", secret)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    assert TOKEN not in repr(client) and TOKEN not in str(vars(client))
    from qatfix.review.settings import settings_from

    settings = settings_from(repo="o/r", pr=1, environ={"GITHUB_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
