"""In-flight pushes: a copy arriving while its twin is published waits for that outcome."""

from __future__ import annotations

import asyncio

import pytest

from gateway.dedupe import InFlight


async def test_a_copy_in_flight_is_not_claimed_twice_and_learns_it_was_acknowledged():
    inflight = InFlight()
    mine, theirs = inflight.claim([("p", "e1")])
    copy_mine, copy_theirs = inflight.claim([("p", "e1"), ("p", "e2")])
    assert (mine, theirs) == ([("p", "e1")], [])
    assert copy_mine == [("p", "e2")] and len(copy_theirs) == 1
    with inflight.publishing(mine):
        await asyncio.sleep(0)
    assert await copy_theirs[0] is True
    assert inflight.claim([("p", "e1")])[0] == [("p", "e1")]  # settled: free to claim again


async def test_a_copy_waiting_on_a_failed_publish_is_told_it_failed():
    inflight = InFlight()
    mine, _ = inflight.claim([("p", "e1")])
    _, theirs = inflight.claim([("p", "e1")])
    with pytest.raises(RuntimeError), inflight.publishing(mine):
        raise RuntimeError("broker away")
    assert await theirs[0] is False
