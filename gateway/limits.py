"""Rate limits at the edge: per signed-in person, per anonymous client IP, stricter for logins.

Moving windows, limits written in the `limits` library's syntax. The default storage
(`memory://`) counts per gateway replica, here in the process (`LocalWindows`): with N
replicas a client gets up to N times each limit. When the gateway runs several replicas, point
`RATE_LIMIT_STORAGE_URI` at a shared store, e.g. `redis://redis:6379/0` (install
`limits[async-redis]`), so every replica counts together through the `limits` library.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gateway.config import Settings

log = logging.getLogger("gateway.limits")

# What a route is counted against: `standard` is per person when signed in, else per IP;
# `login` adds the stricter per-IP login window; `none` is not counted here (health probes,
# signed partner pushes, which the ingress limits per partner); `open311` adds the Open311
# POST window per client IP (partners' servers send as anonymous clients with an api_key).
Throttle = Literal["standard", "login", "open311", "none"]


def async_storage_uri(uri: str) -> str:
    """The `async+` form of a storage URI: the limiter must not block the event loop."""
    return uri if uri.startswith("async+") else f"async+{uri}"


class Windows(Protocol):
    async def wait(self, item: RateLimitItem, scope: str, key: str) -> int | None:
        """Count one request; None if it fits the window, else seconds until it would."""
        ...


class SharedWindows:
    """Moving windows kept by the `limits` library in the store `storage_uri` names."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(async_storage_uri(storage_uri)))

    async def wait(self, item: RateLimitItem, scope: str, key: str) -> int | None:
        if await self._limiter.hit(item, scope, key):
            return None
        stats = await self._limiter.get_window_stats(item, scope, key)
        return max(1, math.ceil(stats.reset_time - time.time()))


class LocalWindows:
    """Moving windows in this process: the times of the requests each window still counts.

    What `limits`' own memory storage counts, without its cost: that one sweeps every key
    for expired entries after each request, one thread hop per key, so a busy district paid
    for all its people on every request. Keys whose window has emptied are dropped at most
    once per `sweep_seconds`.
    """

    def __init__(
        self, *, clock: Callable[[], float] = time.monotonic, sweep_seconds: float = 10
    ) -> None:
        self._clock = clock
        self._sweep_seconds = sweep_seconds
        self._swept_at = clock()
        self._counted: dict[tuple[int, float, str, str], deque[float]] = {}

    async def wait(self, item: RateLimitItem, scope: str, key: str) -> int | None:
        now, window = self._clock(), float(item.get_expiry())
        if now - self._swept_at >= self._sweep_seconds:
            self._sweep(now)
        times = self._counted.setdefault((item.amount, window, scope, key), deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) < item.amount:
            times.append(now)
            return None
        return max(1, math.ceil(times[0] + window - now))

    def _sweep(self, now: float) -> None:
        self._swept_at = now
        stale = [k for k, times in self._counted.items() if not times or times[-1] <= now - k[1]]
        for k in stale:
            del self._counted[k]


def windows_for(storage_uri: str) -> Windows:
    local = storage_uri.removeprefix("async+").startswith("memory://")
    return LocalWindows() if local else SharedWindows(storage_uri)


class RateLimits:
    """Counts requests against moving windows; answers how long a refused caller should wait."""

    def __init__(
        self,
        *,
        person: str,
        anonymous: str,
        login: str,
        open311: str = "60/minute",
        storage_uri: str = "memory://",
    ) -> None:
        self._person = parse_many(person)
        self._anonymous = parse_many(anonymous)
        self._login = parse_many(login)
        self._open311 = parse_many(open311)
        self._windows = windows_for(storage_uri)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        return cls(
            person=settings.rate_limit_person,
            anonymous=settings.rate_limit_anonymous,
            login=settings.rate_limit_login,
            open311=settings.rate_limit_open311,
            storage_uri=settings.rate_limit_storage_uri,
        )

    async def retry_after(self, *, throttle: Throttle, ip: str, person: str | None) -> int | None:
        """Count one request; None if it may pass, else the seconds until it may be retried."""
        # The scope keeps a person id and an IP, or the login and the general window of one
        # IP, from sharing a counter when their limits happen to be equal.
        windows: list[tuple[list[RateLimitItem], str, str]] = []
        if throttle != "none":
            windows.append(
                (self._person, "person", person) if person else (self._anonymous, "ip", ip)
            )
        if throttle == "login":
            windows.append((self._login, "login", ip))
        if throttle == "open311":
            windows.append((self._open311, "open311", ip))
        try:
            waits = [
                await self._windows.wait(item, scope, key)
                for items, scope, key in windows
                for item in items
            ]
        except Exception:
            # A shared store that is down must not take the platform with it: let the request
            # through (identity still throttles logins itself) and say so loudly.
            log.exception("rate limit storage failed; request let through")
            return None
        refused = [w for w in waits if w is not None]
        return max(refused) if refused else None


class PushLimits:
    """Partner ingress: refused pushes per client IP, accepted pushes per partner.

    Only failures count against an IP, and the count is tested before the body is read, so
    a client sending made-up partner ids or signatures stops costing bodies and identity
    lookups after a few tries while a partner's own traffic is never slowed by its IP. The
    per-partner window counts authenticated pushes only: unsigned ones naming a partner
    must not use up that partner's allowance.
    """

    def __init__(self, *, failures_per_ip: str, per_partner: str, storage_uri: str) -> None:
        self._failures = parse_many(failures_per_ip)
        self._partner = parse_many(per_partner)
        self._limiter = MovingWindowRateLimiter(storage_from_string(async_storage_uri(storage_uri)))

    @classmethod
    def from_settings(cls, settings: Settings) -> PushLimits:
        return cls(
            failures_per_ip=settings.webhook_failures_per_ip,
            per_partner=settings.webhook_rate_limit_partner,
            storage_uri=settings.rate_limit_storage_uri,
        )

    async def ip_blocked(self, ip: str) -> int | None:
        """None if this IP may try; else seconds until its refused pushes age out."""
        for item in self._failures:
            if not await self._guarded(self._limiter.test(item, "push-failure", ip)):
                return await self._reset_in(item, "push-failure", ip)
        return None

    async def count_failure(self, ip: str) -> None:
        for item in self._failures:
            await self._guarded(self._limiter.hit(item, "push-failure", ip))

    async def partner_wait(self, partner_id: str) -> int | None:
        """Count one authenticated push; None if it may pass, else seconds to wait."""
        for item in self._partner:
            if not await self._guarded(self._limiter.hit(item, "push-partner", partner_id)):
                return await self._reset_in(item, "push-partner", partner_id)
        return None

    async def _guarded(self, call: Awaitable[bool]) -> bool:
        try:
            return await call
        except Exception:  # as RateLimits: a shared store that is down lets pushes through
            log.exception("rate limit storage failed; push let through")
            return True

    async def _reset_in(self, item: RateLimitItem, scope: str, key: str) -> int:
        stats = await self._limiter.get_window_stats(item, scope, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
