"""Which pushed events this gateway replica has put on the bus, or is putting there now.

Advisory, per replica, in memory: a push retried against another replica or after a restart
goes on the bus again. That costs a message, not a second award: points de-duplicates on
(source, id) in its inbox, which is what makes crediting exactly-once. A shared store here
would only make the `duplicates` count exact, and the gateway keeps no database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

EventKey = tuple[str, str]  # (partner id, event id)


class SeenEvents:
    """(partner, event id) pairs the broker acknowledged, remembered for `ttl` seconds.

    Bounded: past `max_entries` the oldest pairs are forgotten early (they go on the bus
    again if pushed again).
    """

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._until: dict[EventKey, float] = {}  # insertion order is expiry order

    def __contains__(self, key: EventKey) -> bool:
        self._expire()
        return key in self._until

    def remember(self, keys: Iterable[EventKey]) -> None:
        until = self._clock() + self._ttl
        for key in keys:
            self._until.pop(key, None)
            self._until[key] = until
        while len(self._until) > self._max_entries:
            del self._until[next(iter(self._until))]

    def _expire(self) -> None:
        now = self._clock()
        while self._until:
            key, until = next(iter(self._until.items()))
            if until > now:
                return
            del self._until[key]


class InFlight:
    """Events being published right now: a copy arriving meanwhile waits for that outcome.

    Without this, two copies of one push sent at the same instant both pass the
    `SeenEvents` test (neither is acknowledged yet) and both go on the bus.
    """

    def __init__(self) -> None:
        self._pending: dict[EventKey, asyncio.Future[bool]] = {}

    def claim(self, keys: Iterable[EventKey]) -> tuple[list[EventKey], list[asyncio.Future[bool]]]:
        """The keys now ours to publish, and the outcomes of those another push publishes."""
        mine: list[EventKey] = []
        theirs: list[asyncio.Future[bool]] = []
        for key in keys:
            if key in self._pending:
                theirs.append(self._pending[key])
            else:
                self._pending[key] = asyncio.get_running_loop().create_future()
                mine.append(key)
        return mine, theirs

    @contextmanager
    def publishing(self, keys: list[EventKey]) -> Iterator[None]:
        """Settle the claimed keys' outcomes: True once acknowledged, False if not."""
        acknowledged = False
        try:
            yield
            acknowledged = True
        finally:
            for key in keys:
                future = self._pending.pop(key, None)
                if future is not None and not future.done():
                    future.set_result(acknowledged)
