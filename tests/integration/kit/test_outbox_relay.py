"""The outbox and its relay against the real PostgreSQL and Kafka."""

from __future__ import annotations

import asyncio
import json
import time

from cloudevents.core.bindings import kafka as ce_kafka
from prometheus_client import REGISTRY

from contracts import Registry
from kit.db import unit_of_work
from kit.events import CloudEvent
from kit.outbox import add_event
from kit.relay import OutboxRelay
from tests.integration import support
from tests.integration.conftest import Db

running = support.running


def make_relay(db: Db, kafka: str, **options: object) -> OutboxRelay:
    return OutboxRelay(dsn=db.dsn, bootstrap_servers=kafka, service="test", **options)  # type: ignore[arg-type]


async def stage(
    db: Db, registry: Registry, events: list[CloudEvent], *, commit: bool = True
) -> None:
    async with unit_of_work(db.factory) as session:
        for event in events:
            await add_event(session, event, registry)
        if commit:
            await session.commit()


def ids(records) -> list[str]:
    return [json.loads(r.value)["id"] for r in records]


async def test_rolled_back_event_is_never_published(db: Db, kafka: str, topic: str):
    registry, model = support.counted_contract(topic)
    lost, kept = support.counted_event(model, 1), support.counted_event(model, 2)
    await stage(db, registry, [lost], commit=False)
    await stage(db, registry, [kept])
    async with running(make_relay(db, kafka)):
        records = await support.read_topic(kafka, topic, until=lambda r: kept.id in ids(r))
        await asyncio.sleep(1.0)  # give a wrongly published event time to show up too
        records += await support.read_topic(kafka, topic, until=lambda r: False, timeout=2)
    assert kept.id in ids(records)
    assert lost.id not in ids(records)
    assert await db.fetchval("SELECT count(*) FROM outbox") == 1


async def test_committed_events_reach_kafka_in_order_per_aggregate_and_are_marked(
    db: Db, kafka: str, topic: str
):
    registry, model = support.counted_contract(topic)
    events = [support.counted_event(model, n, keys=5) for n in range(300)]
    await stage(db, registry, events)
    async with running(make_relay(db, kafka, batch_size=64)):
        records = await support.read_topic(kafka, topic, until=lambda r: len(r) >= 300)
        assert await support.eventually(lambda: _unsent_is(db, 0), timeout=10), (
            "rows not marked sent"
        )
    assert sorted(ids(records)) == sorted(e.id for e in events)
    by_key: dict[bytes, list[int]] = {}
    for r in records:
        by_key.setdefault(r.key, []).append(json.loads(r.value)["data"]["n"])
    for key, ns in by_key.items():
        assert ns == sorted(ns), f"aggregate {key!r} out of order"


async def test_published_envelope_parses_with_the_official_cloudevents_sdk(
    db: Db, kafka: str, topic: str
):
    registry, model = support.counted_contract(topic)
    event = support.counted_event(model, 42)
    await stage(db, registry, [event])
    async with running(make_relay(db, kafka)):
        [record] = await support.read_topic(kafka, topic, until=lambda r: len(r) >= 1)
    headers = {k: v for k, v in record.headers}
    message = ce_kafka.KafkaMessage(headers=headers, key=record.key, value=record.value)
    parsed = ce_kafka.from_kafka_event(message)
    assert parsed.get_id() == event.id
    assert parsed.get_source() == "/services/test"
    assert parsed.get_type() == "org.shanzhi.test.counted.v1"
    assert parsed.get_subject() == event.subject
    assert parsed.get_data() == {"n": 42, "amount": 1, "key": "k42"}
    assert record.key == str(event.subject).encode()


async def test_notify_wakes_the_relay_without_waiting_for_the_poll(db: Db, kafka: str, topic: str):
    registry, model = support.counted_contract(topic)
    async with running(make_relay(db, kafka, poll_seconds=60)):
        await asyncio.sleep(2)  # relay is idle, waiting on LISTEN with a 60 s fallback
        event = support.counted_event(model, 7)
        started = time.monotonic()
        await stage(db, registry, [event])
        records = await support.read_topic(kafka, topic, until=lambda r: len(r) >= 1, timeout=20)
        elapsed = time.monotonic() - started
    assert ids(records) == [event.id]
    assert elapsed < 10, f"took {elapsed:.1f}s: the relay waited for polling, not NOTIFY"


async def test_only_one_replica_publishes_and_another_takes_over(db: Db, kafka: str, topic: str):
    registry, model = support.counted_contract(topic)
    # Each replica gets its own metrics label, so what it published and whether it leads show.
    names = support.unique("first"), support.unique("second")
    first, second = (
        OutboxRelay(dsn=db.dsn, bootstrap_servers=kafka, service=n, poll_seconds=0.5) for n in names
    )
    async with running(first):
        assert await support.eventually(lambda: _leads(names[0]), timeout=15)
        task_b = asyncio.create_task(second.run())
        try:
            await stage(db, registry, [support.counted_event(model, n, keys=3) for n in range(100)])
            await support.read_topic(kafka, topic, until=lambda r: len(r) >= 100)
            assert await support.eventually(lambda: _published_is(names[0], 100), timeout=10)
            assert _published(names[1]) == 0 and not await _leads(names[1])
        except BaseException:
            await second.stop()
            await asyncio.wait_for(task_b, timeout=15)
            raise
    # The first replica is gone; the second one takes the lock and carries on.
    try:
        await stage(
            db, registry, [support.counted_event(model, n, keys=3) for n in range(100, 200)]
        )
        records = await support.read_topic(kafka, topic, until=lambda r: len(r) >= 200, timeout=30)
        assert await support.eventually(lambda: _published_is(names[1], 100), timeout=10)
        assert await _leads(names[1])
    finally:
        await second.stop()
        await asyncio.wait_for(task_b, timeout=15)
    assert _published(names[0]) == 100
    assert sorted(json.loads(r.value)["data"]["n"] for r in records) == list(range(200))


def _published(service: str) -> float:
    return REGISTRY.get_sample_value("outbox_published_total", {"service": service}) or 0.0


async def _published_is(service: str, expected: int) -> bool:
    return _published(service) == expected


async def _leads(service: str) -> bool:
    return REGISTRY.get_sample_value("outbox_relay_leader", {"service": service}) == 1


async def test_old_sent_rows_are_cleaned_up_and_recent_ones_kept(db: Db, kafka: str, topic: str):
    registry, model = support.counted_contract(topic)
    await stage(db, registry, [support.counted_event(model, n) for n in range(4)])
    async with running(make_relay(db, kafka, retention_hours=72)):
        assert await support.eventually(lambda: _unsent_is(db, 0), timeout=15)
    conn_sql = "UPDATE outbox SET sent_at = now() - interval '100 hours' WHERE seq <= 2"
    await db.fetchval(conn_sql)
    async with running(make_relay(db, kafka, retention_hours=72)):
        assert await support.eventually(lambda: _count_is(db, 2), timeout=15)


async def _unsent_is(db: Db, expected: int) -> bool:
    return await db.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == expected


async def _count_is(db: Db, expected: int) -> bool:
    return await db.fetchval("SELECT count(*) FROM outbox") == expected


def _gauge(name: str, service: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"service": service})


async def test_backlog_and_its_age_are_reported_while_the_broker_is_away(db: Db, topic: str):
    registry, model = support.counted_contract(topic)
    await stage(db, registry, [support.counted_event(model, n) for n in range(3)])
    service = support.unique("away")
    away = OutboxRelay(dsn=db.dsn, bootstrap_servers="127.0.0.1:9", service=service)

    async def aged(seconds: float) -> bool:
        age = _gauge("outbox_oldest_unsent_age_seconds", service)
        return age is not None and age >= seconds

    async with running(away):
        assert await support.eventually(lambda: aged(0.0), timeout=15)
        first = _gauge("outbox_oldest_unsent_age_seconds", service) or 0.0
        assert await support.eventually(lambda: aged(first + 1.5), timeout=15)
    assert _gauge("outbox_backlog", service) == 3
