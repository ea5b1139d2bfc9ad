"""Replica pools: each service's base URLs handed out round-robin, refusing ones benched a while."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence

Clock = Callable[[], float]


class ReplicaPool:
    """The replicas of one service.

    A replica that refused a connection sits out `cooldown_seconds`; while it does, requests
    go to the others. When every replica is benched they are all tried anyway: a refused
    connection costs a millisecond, and the one that came back early should not wait.
    """

    def __init__(
        self, urls: Sequence[str], *, cooldown_seconds: float, clock: Clock = time.monotonic
    ) -> None:
        if not urls:
            raise ValueError("a replica pool needs at least one URL")
        self.urls = tuple(u.rstrip("/") for u in urls)
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._turn = itertools.count()
        self._benched_until: dict[str, float] = {}

    def attempt_order(self) -> list[str]:
        """Replicas to try for one request: the next healthy one first, benched ones last."""
        now = self._clock()
        healthy = [u for u in self.urls if self._benched_until.get(u, 0.0) <= now]
        benched = sorted(set(self.urls) - set(healthy), key=self._benched_until.__getitem__)
        if not healthy:
            return benched
        start = next(self._turn) % len(healthy)
        return healthy[start:] + healthy[:start] + benched

    def refused(self, url: str) -> None:
        """`url` refused (or never accepted) a connection: bench it for the cooldown."""
        self._benched_until[url] = self._clock() + self._cooldown

    def answered(self, url: str) -> None:
        """`url` took a connection: it is healthy again, whatever its cooldown said."""
        self._benched_until.pop(url, None)


def replica_pools(
    service_urls: Mapping[str, Sequence[str]],
    *,
    cooldown_seconds: float,
    clock: Clock = time.monotonic,
) -> dict[str, ReplicaPool]:
    """A pool per service that has at least one URL; a service without any is not routed."""
    return {
        name: ReplicaPool(urls, cooldown_seconds=cooldown_seconds, clock=clock)
        for name, urls in service_urls.items()
        if urls
    }
