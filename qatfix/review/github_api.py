"""A small GitHub REST client: token kept secret, bounded retries, Link-header pagination.

`requests` is imported only when a request is made, so importing qatfix stays light.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from qatfix import __version__
from qatfix.errors import NetworkError
from qatfix.review.retry import RetryPolicy, retry_delay

API_VERSION = "2022-11-28"
DEFAULT_API_URL = "https://api.github.com"


def sleep_seconds(seconds: float) -> None:
    """The default sleep; the CLI looks it up at call time so tests can replace it."""
    time.sleep(seconds)


class Secret:
    """A token that never shows itself in reprs, f-strings, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


class GitHubError(NetworkError):
    """An API call failed for good (after any retries)."""

    def __init__(self, message: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})


def _api_message(response: Any) -> str:
    try:
        data = response.json()
    except ValueError:
        return (response.text or "").strip()[:200]
    if isinstance(data, dict):
        message = str(data.get("message") or "")
        errors = data.get("errors")
        if errors:
            message += f" {errors}"
        return message[:500]
    return ""


class GitHubClient:
    """Talks to one GitHub API root (github.com or a GitHub Enterprise `/api/v3`)."""

    def __init__(self, api_url: str, token: Secret, *,
                 sleep: Callable[[float], None] = sleep_seconds,
                 policy: RetryPolicy = RetryPolicy(), timeout: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._sleep = sleep
        self._policy = policy
        self._timeout = timeout
        self._clock = clock
        self._session: Any = None

    def __repr__(self) -> str:
        return f"GitHubClient({self.api_url!r})"

    def _redact(self, text: str) -> str:
        secret = self._token.reveal()
        return text.replace(secret, "***") if secret else text

    def _url(self, path_or_url: str) -> str:
        if not path_or_url.startswith(("http://", "https://")):
            return f"{self.api_url}/{path_or_url.lstrip('/')}"
        ours, theirs = urlsplit(self.api_url), urlsplit(path_or_url)
        if (ours.scheme, ours.netloc) != (theirs.scheme, theirs.netloc):
            # never send the token anywhere but the API it was given for
            raise GitHubError(f"refusing to follow a link to another host: {theirs.netloc}")
        return path_or_url

    def _send(self, method: str, url: str, params: Mapping[str, Any] | None,
              payload: Any) -> Any:
        import requests  # the HTTP boundary: imported when GitHub is asked

        if self._session is None:
            self._session = requests.Session()
            self._session.headers.update({
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"qatfix/{__version__}",
            })
        headers = {"Authorization": f"Bearer {self._token.reveal()}"}
        return self._session.request(method, url, params=params, json=payload,
                                     headers=headers, timeout=self._timeout)

    def request(self, method: str, path_or_url: str, *,
                params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        """Send one request, retrying transient failures within the policy's bounds."""
        import requests  # the HTTP boundary: imported when GitHub is asked

        url = self._url(path_or_url)
        where = f"{method} {urlsplit(url).path}"
        slept = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, url, params, json)
            except requests.RequestException as exc:
                status, headers = None, {}
                message = self._redact(f"{type(exc).__name__}: {exc}")
            else:
                if response.status_code < 400:
                    return response
                status, headers = response.status_code, dict(response.headers)
                message = self._redact(_api_message(response))
            delay = retry_delay(status, headers, attempt, policy=self._policy,
                                now=self._clock(), message=message)
            if (delay is None or attempt >= self._policy.max_attempts
                    or slept + delay > self._policy.max_total_sleep):
                shown = f"HTTP {status}" if status is not None else "no response"
                tries = f" after {attempt} attempts" if attempt > 1 else ""
                raise GitHubError(f"{where}: {shown}{tries}: {message}".rstrip(": "),
                                  status=status, headers=headers)
            self._sleep(delay)
            slept += delay

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post_json(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, json=payload).json()

    def paginate(self, path: str, params: Mapping[str, Any] | None = None, *,
                 per_page: int = 100, max_pages: int = 100) -> Iterator[Any]:
        """Every item of a list endpoint, following `Link: <...>; rel="next"`."""
        url: str | None = path
        query: dict[str, Any] | None = {**(params or {}), "per_page": per_page}
        for _ in range(max_pages):
            if url is None:
                return
            response = self.request("GET", url, params=query)
            items = response.json()
            if not isinstance(items, list):
                raise GitHubError(f"GET {urlsplit(response.url).path}: expected a JSON list")
            yield from items
            url = response.links.get("next", {}).get("url")
            query = None  # the next link carries the query string
