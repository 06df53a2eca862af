"""When a GitHub API response is worth retrying, and after how long.

GitHub's documented rules: 5xx is transient; 403/429 with `Retry-After` means wait that many
seconds; 403/429 with `x-ratelimit-remaining: 0` means wait until `x-ratelimit-reset` (epoch
seconds); a secondary-rate-limit 403/429 without either header means wait at least a minute.
Any other 403 is a real refusal (for example a read-only token on a fork) and is not retried.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from email.utils import parsedate_to_datetime



@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying: attempts per request and seconds slept per request in total."""

    max_attempts: int = 5
    max_total_sleep: float = 300.0
    backoff: float = 1.0
    #: wait for a secondary rate limit that gives no hint (GitHub: "at least one minute")
    secondary_wait: float = 60.0


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _retry_after(value: str, now: float) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def is_rate_limited(status: int, headers: Mapping[str, str], message: str = "") -> bool:
    if status not in (403, 429):
        return False
    return (status == 429 or _header(headers, "retry-after") is not None
            or _header(headers, "x-ratelimit-remaining") == "0"
            or "rate limit" in message.lower())


def retry_delay(status: int | None, headers: Mapping[str, str], attempt: int, *,
                policy: RetryPolicy, now: float, message: str = "") -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when retrying would not help.

    `status` None stands for a connection failure or timeout.
    """
    if status is None or status >= 500:
        hint = _header(headers, "retry-after")
        waited = _retry_after(hint, now) if hint else None
        return waited if waited is not None else policy.backoff * 2 ** (attempt - 1)
    if not is_rate_limited(status, headers, message):
        return None
    hint = _header(headers, "retry-after")
    if hint is not None:
        waited = _retry_after(hint, now)
        if waited is not None:
            return waited
    if _header(headers, "x-ratelimit-remaining") == "0":
        reset = _header(headers, "x-ratelimit-reset")
        if reset and reset.strip().isdigit():
            return max(0.0, float(reset) - now) + 1.0
    return policy.secondary_wait * 2 ** (attempt - 1)
