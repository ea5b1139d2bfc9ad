"""The access feed on a real broker: no group, the window's events only, then live ones."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

from contracts.identity import PersonAccessChanged
from kit.access import AccessOverlay
from kit.access_feed import AccessFeed
from kit.events import new_event, serialize
from kit.kafka import make_producer

WINDOW = 60


async def publish(kafka: str, topic: str, person: str, *, verified: bool, age: float = 0) -> None:
    """An access_changed event for `person`, stamped (changed_at and Kafka time) `age` s ago."""
    at = time.time() - age
    data = PersonAccessChanged(
        person_id=person,
        verified=verified,
        disabled=False,
        changed_at=datetime.fromtimestamp(at, UTC),
    )
    event = new_event(data, source="/services/identity", subject=person)
    producer = make_producer(kafka)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, serialize(event), key=person.encode(), timestamp_ms=int(at * 1000)
        )
    finally:
        await producer.stop()


async def test_feed_reads_the_window_then_follows_live_changes(kafka: str, topic: str):
    old, recent, live = (str(uuid.uuid4()) for _ in range(3))
    await publish(kafka, topic, old, verified=True, age=WINDOW + 30)
    await publish(kafka, topic, recent, verified=True, age=5)
    overlay = AccessOverlay(window_seconds=WINDOW)
    feed = AccessFeed(overlay=overlay, bootstrap_servers=kafka, topic=topic)
    stopping = asyncio.Event()
    running = asyncio.create_task(feed.run(stopping))
    try:
        deadline = time.monotonic() + 20
        while not overlay.caught_up:
            assert time.monotonic() < deadline, "the feed never caught up"
            await asyncio.sleep(0.1)
        assert overlay.facts_for(recent) is not None
        assert overlay.facts_for(old) is None  # before the window: in every token already
        await publish(kafka, topic, live, verified=True)
        while overlay.facts_for(live) is None:
            assert time.monotonic() < deadline, "a live change never arrived"
            await asyncio.sleep(0.1)
    finally:
        stopping.set()
        await asyncio.wait_for(running, 10)
