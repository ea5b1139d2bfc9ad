"""Fault tests: processes and the broker killed mid-stream; every event applied exactly once."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

import pytest

from deploy.kafka import KafkaBroker
from kit.events import serialize
from tests.integration import support
from tests.integration.conftest import Db
from tests.integration.kit.test_outbox_relay import make_relay, running, stage

ROOT = Path(__file__).resolve().parents[3]
STREAM = 5000


async def spawn(log: Path, module: str, *args: str) -> asyncio.subprocess.Process:
    out = log.open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, cwd=ROOT, stdout=out, stderr=out
    )


async def publish_stream(kafka: str, topic: str) -> None:
    _, model = support.counted_contract(topic)
    events = [support.counted_event(model, n, keys=200) for n in range(STREAM)]
    await support.produce(
        kafka, topic, [serialize(e) for e in events], keys=[str(e.subject).encode() for e in events]
    )


async def rows(db: Db) -> int:
    return (await support.applied_stats(db.dsn))[0]


async def wait_rows(db: Db, at_least: int, timeout: float) -> int:
    async def enough() -> bool:
        return await rows(db) >= at_least

    assert await support.eventually(enough, timeout=timeout, interval=0.05), (
        f"only {await rows(db)} of {at_least} applied within {timeout}s"
    )
    return await rows(db)


async def assert_exactly_once(db: Db) -> None:
    await asyncio.sleep(1.5)  # anything applied twice would land by now
    assert await support.applied_stats(db.dsn) == (STREAM, STREAM, support.expected_sum(STREAM))


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), timeout=30)


async def test_consumer_killed_mid_stream_applies_every_event_exactly_once(
    db: Db, kafka: str, topic: str, tmp_path: Path
):
    await publish_stream(kafka, topic)
    group = support.unique("fault")
    args = (db.url, kafka, topic, group)
    first = await spawn(tmp_path / "consumer.log", "tests.integration.procs.count_consumer", *args)
    await wait_rows(db, 1500, timeout=90)
    first.kill()  # SIGKILL: no clean shutdown, no final commit
    await first.wait()
    at_kill = await rows(db)
    assert at_kill < STREAM, "the stream finished before the kill; nothing was tested"
    second = await spawn(tmp_path / "consumer.log", "tests.integration.procs.count_consumer", *args)
    try:
        await wait_rows(db, STREAM, timeout=120)
        await assert_exactly_once(db)
    finally:
        await stop(second)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def own_broker(tmp_path: Path):
    """A broker of this test's own, so it can be stopped and restarted mid-stream."""
    broker = KafkaBroker(tmp_path / "kafka", free_port(), free_port())
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


async def test_broker_stopped_and_restarted_mid_stream_applies_every_event_exactly_once(
    db: Db, own_broker: KafkaBroker, tmp_path: Path
):
    kafka = own_broker.bootstrap
    topic = support.unique("fault.events")
    await support.create_topics(kafka, [topic, f"{topic}.dlq"])
    await publish_stream(kafka, topic)
    args = (db.url, kafka, topic, support.unique("fault"))
    proc = await spawn(tmp_path / "consumer.log", "tests.integration.procs.count_consumer", *args)
    try:
        await wait_rows(db, 1500, timeout=90)
        await own_broker.stop()
        during = await rows(db)
        assert during < STREAM, "the stream finished before the broker stopped"
        await asyncio.sleep(3)
        await own_broker.start()
        await wait_rows(db, STREAM, timeout=180)
        await assert_exactly_once(db)
    finally:
        await stop(proc)


async def test_relay_killed_between_send_and_mark_publishes_again_and_consumers_drop_it(
    db: Db, kafka: str, topic: str, tmp_path: Path
):
    registry, model = support.counted_contract(topic)
    event = support.counted_event(model, 5)
    await stage(db, registry, [event])
    crashing = await spawn(
        tmp_path / "relay.log", "tests.integration.procs.crashing_relay", db.dsn, kafka
    )
    assert await asyncio.wait_for(crashing.wait(), timeout=60) == -signal.SIGKILL
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 1
    async with running(make_relay(db, kafka)):
        twice = await support.read_topic(kafka, topic, until=lambda r: len(r) >= 2)
    assert [json.loads(r.value)["id"] for r in twice] == [event.id, event.id]
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    runner = support.counted_runner(db.factory, kafka, topic, group=support.unique("dedupe"))
    async with support.running(runner):
        assert await support.eventually(lambda: _one_row(db), timeout=30)
        await asyncio.sleep(1.5)
    assert await support.applied_stats(db.dsn) == (1, 1, 6)


async def _one_row(db: Db) -> bool:
    return await rows(db) >= 1
