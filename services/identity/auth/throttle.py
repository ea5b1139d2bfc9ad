"""Rate limits for login and SMS, per phone and per client IP (moving windows, `limits`)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from kit.errors import DomainError


class TooManyRequests(DomainError):
    status = 429
    title = "请求过于频繁"


class Throttle:
    """In-process counters: with several identity replicas each counts its own share (README)."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def ensure_allowed(self, limits: str, *keys: str) -> None:
        """Raise 429 with Retry-After if any window for these keys is used up."""
        for item in parse_many(limits):
            for key in keys:
                if not self._limiter.test(item, key):
                    raise TooManyRequests(
                        "尝试次数过多，请稍后再试",
                        headers={"Retry-After": str(self._retry_after(item, key))},
                    )

    def hit(self, limits: str, *keys: str) -> None:
        for item in parse_many(limits):
            for key in keys:
                self._limiter.hit(item, key)

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        reset_at, _ = self._limiter.get_window_stats(item, key)
        return max(1, math.ceil(reset_at - time.time()))
