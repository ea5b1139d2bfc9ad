"""Points with three replicas (REPLICAS="points=3"): the consumer group spreads volunteer.events'
partitions over all three, one replica is SIGKILLed mid-stream (the one whose relay publishes),
and still every award is posted exactly once and every outbox event reaches points.events."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

import asyncpg
import pytest
from aiokafka.errors import CoordinatorLoadInProgressError, GroupCoordinatorNotAvailableError

from tests.e2e.replicas import (
    PARTITIONS,
    REPLICAS,
    TOPIC,
    Replicas,
    Town,
    assignment,
    points_replicas,
    pushes,
)
from tests.integration import support
from tests.integration.support import Db

RESIDENTS = 40
EVENTS = 3000
BEFORE_KILL = 2000  # sent before the kill, the rest after it
# Postings applied when the kill comes: every replica still has a backlog, so the one killed
# is most likely in the middle of a batch (fetched, not yet committed).
KILL_AFTER = 600
# The dead member's partitions wait out its consumer session (aiokafka's 10 s) before the
# group gives them to the others; the rest is applying what queued meanwhile.
SETTLE_WITHIN = 90.0


@pytest.mark.slow
@pytest.mark.timeout(240)
async def test_three_replicas_share_the_partitions_and_survive_a_sigkill(tmp_path: Path):
    started = time.monotonic()
    async with points_replicas(tmp_path, RESIDENTS) as (replicas, db, town):
        bootstrap = replicas.broker.bootstrap
        up = time.monotonic() - started
        spread = await _spread_over_all(bootstrap)
        ready = time.monotonic() - started

        victim = await replicas.relay_leader()
        assert victim is not None, "no replica says its relay holds the lock"
        values, keys = pushes(town, BEFORE_KILL, 0)
        # The replicas apply while the pushes are still being sent: watch meanwhile.
        sending = asyncio.create_task(support.produce(bootstrap, TOPIC, values, keys=keys))
        under_way = partial(_postings_at_least, db, KILL_AFTER)
        assert await support.eventually(under_way, timeout=60, interval=0.02)
        await replicas.kill(victim)
        killed_at, applied_at_kill = time.monotonic(), await _postings(db)
        await sending

        values, keys = pushes(town, EVENTS - BEFORE_KILL, BEFORE_KILL)
        await support.produce(bootstrap, TOPIC, values, keys=keys)
        settled = await support.eventually(lambda: _settled(db, town), timeout=SETTLE_WITHIN)
        assert settled, _logs(tmp_path, f"{await _postings(db)} of {EVENTS} posted")
        drained = time.monotonic() - killed_at
        survivors = [name for name in replicas.children if name != victim]
        handed_over = await support.eventually(_relay_handed_over(replicas, survivors), timeout=20)
        assert handed_over, f"no surviving replica ({survivors}) took the relay's lock over"
        assert await support.eventually(lambda: _unsent_is_zero(db), timeout=30), "outbox unsent"
        await _exactly_once(db, town)
        assert await _published_award_ids(bootstrap) == await _posted_event_ids(db)
    print(
        f"\nreplicas: up in {up:.1f} s (the three processes {replicas.startup:.1f} s of it), "
        f"partitions of {TOPIC} per replica {spread} at {ready:.1f} s; SIGKILLed "
        f"{victim} (the relay leader) at {applied_at_kill} of {EVENTS} postings; all exact "
        f"{drained:.1f} s after the kill; wall {time.monotonic() - started:.1f} s"
    )


async def _spread_over_all(bootstrap: str) -> list[list[int]]:
    """Once the group is stable with every replica in it: each owns some of the topic's
    partitions, none twice, all of them owned."""
    found: list[set[int]] = []

    async def stable() -> bool:
        nonlocal found
        try:
            state, found = await assignment(bootstrap)
        except (GroupCoordinatorNotAvailableError, CoordinatorLoadInProgressError):
            return False  # a fresh broker: the group's coordinator is still being set up
        return state == "Stable" and len(found) == REPLICAS and all(found)

    await support.eventually(stable, timeout=60, interval=0.5)
    owned = sorted(sorted(parts) for parts in found)
    assert len(found) == REPLICAS and all(found), f"partitions per member: {owned}"
    assert sorted(p for parts in found for p in parts) == list(range(PARTITIONS)), owned
    return owned


async def _postings(db: Db) -> int:
    return int(str(await db.fetchval("SELECT count(*) FROM postings")))


async def _postings_at_least(db: Db, count: int) -> bool:
    return await _postings(db) >= count


async def _balances(db: Db) -> dict[object, int]:
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = await conn.fetch("SELECT resident_id, balance FROM accounts WHERE kind = 'resident'")
    finally:
        await conn.close()
    return {r["resident_id"]: int(r["balance"]) for r in rows}


async def _settled(db: Db, town: Town) -> bool:
    return await _postings(db) >= EVENTS and await _balances(db) == dict(town.expected)


def _relay_handed_over(replicas: Replicas, survivors: list[str]) -> Callable[[], Awaitable[bool]]:
    async def probe() -> bool:
        return await replicas.relay_leader() in survivors

    return probe


async def _unsent_is_zero(db: Db) -> bool:
    return await db.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0


COUNTS = """
SELECT (SELECT count(*) FROM postings WHERE source_type = 'volunteer'),
       (SELECT count(DISTINCT source_id) FROM postings WHERE source_type = 'volunteer'),
       (SELECT count(*) FROM postings WHERE source_type <> 'volunteer'),
       (SELECT count(*) FROM inbox),
       (SELECT count(*) FROM unmatched_activities) + (SELECT count(*) FROM pending_awards)
"""


async def _exactly_once(db: Db, town: Town) -> None:
    """Every push posted once, to the right resident, and nothing else posted or parked."""
    assert await _balances(db) == dict(town.expected)
    conn = await asyncpg.connect(db.dsn)
    try:
        counts = tuple(await conn.fetchrow(COUNTS))
    finally:
        await conn.close()
    assert counts == (EVENTS, EVENTS, 0, EVENTS, 0), "postings, distinct, others, inbox, parked"


async def _posted_event_ids(db: Db) -> set[str]:
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = await conn.fetch("SELECT id::text FROM outbox WHERE type LIKE '%points.awarded%'")
    finally:
        await conn.close()
    assert len(rows) == EVENTS
    return {r["id"] for r in rows}


async def _published_award_ids(bootstrap: str) -> set[str]:
    """The points.awarded events on points.events (a re-send after the kill counts once)."""
    records = await support.read_topic(
        bootstrap, "points.events", until=lambda r: len(r) >= EVENTS, timeout=30
    )
    return {json.loads(r.value)["id"] for r in records if "awarded" in json.loads(r.value)["type"]}


def _logs(work: Path, message: str) -> str:
    """The message and the end of each replica's log, for a failure to say why."""
    tails = [message]
    for log in sorted(work.glob("points-*.log")):
        tails += [f"--- {log.name}", *log.read_text().splitlines()[-6:]]
    return "\n".join([*tails, message])
