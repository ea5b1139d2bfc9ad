"""Partner signing secrets, asked of identity's internal endpoint and cached briefly per partner."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

PARTNER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class IdentityUnavailable(Exception):
    """Identity could not say which secrets a partner has (down, or refusing our token)."""


@dataclass(frozen=True)
class PartnerKeys:
    partner_id: str
    enabled: bool
    secrets: tuple[str, ...]  # newest first; rotated-out ones while in their grace period


@dataclass(frozen=True)
class _Entry:
    keys: PartnerKeys | None  # None: identity does not know the partner
    fetched_at: float


class PartnerDirectory:
    """`GET {identity}/internal/partners/{id}/secrets` with X-Internal-Token, cached `ttl` s.

    Known partners are kept only `ttl` (2 s): a disabled partner or a revoked secret takes
    effect within it, and a partner pushing steadily costs identity one lookup per 2 s. That
    short TTL is chosen over consuming identity's partner events: no consumer, no ordering or
    replay to get right, and a bound that holds even when the bus is late. Unknown ids are
    kept longer (`negative_ttl`) in their own bounded cache, so made-up ids neither cost a
    lookup each time they repeat nor push known partners out. A partner created a moment
    after its id was tried is thus refused for up to `negative_ttl`. A signature that does
    not match may ask again sooner (`refresh`), not more often than every `min_refresh` s.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_urls: Sequence[str],
        token: str,
        *,
        ttl: float = 2.0,
        negative_ttl: float = 30.0,
        min_refresh: float = 1.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._bases = [url.rstrip("/") for url in base_urls]
        self._token = token
        self._ttl = ttl
        self._negative_ttl = negative_ttl
        self._min_refresh = min_refresh
        self._max_entries = max_entries
        self._clock = clock
        self._known: dict[str, _Entry] = {}
        self._unknown: dict[str, _Entry] = {}
        self._inflight: dict[str, asyncio.Future[PartnerKeys | None]] = {}

    async def lookup(self, partner_id: str, *, refresh: bool = False) -> PartnerKeys | None:
        """The partner's keys, None when identity does not know it; raises IdentityUnavailable."""
        if not PARTNER_ID.match(partner_id):
            return None
        entry = self._known.get(partner_id) or self._unknown.get(partner_id)
        if entry is not None and self._fresh(entry, refresh):
            return entry.keys
        pending = self._inflight.get(partner_id)
        if pending is None:  # one request to identity however many pushes wait for it
            pending = asyncio.ensure_future(self._fetch(partner_id))
            self._inflight[partner_id] = pending
            pending.add_done_callback(lambda done: self._forget(partner_id, done))
        return await asyncio.shield(pending)

    def _forget(self, partner_id: str, done: asyncio.Future[PartnerKeys | None]) -> None:
        self._inflight.pop(partner_id, None)
        if not done.cancelled():
            done.exception()  # retrieved: every waiter may have gone (their pushes cancelled)

    def _fresh(self, entry: _Entry, refresh: bool) -> bool:
        age = self._clock() - entry.fetched_at
        if refresh:
            return age < self._min_refresh
        return age < (self._ttl if entry.keys is not None else self._negative_ttl)

    async def _fetch(self, partner_id: str) -> PartnerKeys | None:
        keys = await self._ask_identity(partner_id)
        self._known.pop(partner_id, None)
        self._unknown.pop(partner_id, None)
        cache = self._known if keys is not None else self._unknown
        while len(cache) >= self._max_entries:  # the oldest first: insertion order
            cache.pop(next(iter(cache)))
        cache[partner_id] = _Entry(keys, self._clock())
        return keys

    async def _ask_identity(self, partner_id: str) -> PartnerKeys | None:
        path = f"/internal/partners/{partner_id}/secrets"
        for base in self._bases:  # the next replica only when one cannot be reached
            try:
                answer = await self._client.get(
                    base + path, headers={"X-Internal-Token": self._token}
                )
            except httpx.TransportError:
                continue
            if answer.status_code == 404:
                return None
            if answer.status_code != 200:
                raise IdentityUnavailable(f"identity answered {answer.status_code}")
            return _keys(answer)
        raise IdentityUnavailable("identity cannot be reached")


def _keys(answer: httpx.Response) -> PartnerKeys:
    try:
        body = answer.json()
        return PartnerKeys(
            partner_id=str(body["partner_id"]),
            enabled=bool(body["enabled"]),
            secrets=tuple(str(s) for s in body["secrets"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise IdentityUnavailable(
            "identity answered something that is not partner secrets"
        ) from exc
