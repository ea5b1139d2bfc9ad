"""The consumer runner against the real PostgreSQL and Kafka: de-duplication, DLQ, outages."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from contracts import EventData
from kit.consumer import ConsumerRunner
from kit.db import make_engine, make_session_factory
from kit.errors import PermanentEventError
from kit.events import ParsedEvent, serialize
from tests.integration import support
from tests.integration.conftest import Db
from tests.integration.tcp_proxy import TcpProxy

POISON_N = 1013


async def apply_or_refuse(session, event: ParsedEvent[Any]) -> None:
    data: Any = event.data
    if data.n == POISON_N:
        raise PermanentEventError(f"no rule for n={data.n}")
    await support.apply_counted(session, event)


def make_runner(factory, kafka: str, topic: str, **kw: Any) -> ConsumerRunner:
    return support.counted_runner(factory, kafka, topic, handler=apply_or_refuse, **kw)


def events(model: type[EventData], ns: range | list[int]) -> list[bytes]:
    return [serialize(support.counted_event(model, n)) for n in ns]


async def test_same_event_delivered_twice_is_applied_once(db: Db, kafka: str, topic: str):
    _, model = support.counted_contract(topic)
    once = events(model, range(20))
    await support.produce(kafka, topic, once + once[:10] + once)
    async with support.running(make_runner(db.factory, kafka, topic)):
        assert await support.eventually(lambda: _applied_rows(db, 20), timeout=30)
        await asyncio.sleep(1)
    assert await support.applied_stats(db.dsn) == (20, 20, support.expected_sum(20))


async def test_poison_events_are_parked_with_reason_and_later_events_still_apply(
    db: Db, kafka: str, topic: str
):
    _, model = support.counted_contract(topic)
    good_before, good_after = events(model, range(5)), events(model, range(20, 25))
    not_json = b"\x00 definitely not json"
    bad_data = json.loads(events(model, [99])[0])
    bad_data["data"]["amount"] = -5
    refused = events(model, [POISON_N])[0]
    stream = [*good_before, not_json, json.dumps(bad_data).encode(), refused, *good_after]
    await support.produce(kafka, topic, stream)
    async with support.running(make_runner(db.factory, kafka, topic)):
        assert await support.eventually(lambda: _applied_rows(db, 10), timeout=30)
    dlq = await support.read_topic(kafka, f"{topic}.dlq", until=lambda r: len(r) >= 3)
    assert [r.value for r in dlq] == [not_json, json.dumps(bad_data).encode(), refused]
    reasons = [dict(r.headers)["dlq.reason"].decode() for r in dlq]
    assert "not a CloudEvent" in reasons[0]
    assert "amount" in reasons[1]
    assert f"no rule for n={POISON_N}" in reasons[2]
    first = dict(dlq[0].headers)
    assert first["dlq.original.topic"].decode() == topic
    assert int(first["dlq.original.offset"]) == 5
    ns = await db.fetchval("SELECT array_agg(n ORDER BY n) FROM applied")
    assert ns == [0, 1, 2, 3, 4, 20, 21, 22, 23, 24]


async def test_event_types_without_a_handler_are_skipped(db: Db, kafka: str, topic: str):
    _, model = support.counted_contract(topic)
    other = json.loads(events(model, [1])[0])
    other["type"] = "org.shanzhi.test.unheard_of.v1"
    await support.produce(kafka, topic, [json.dumps(other).encode(), *events(model, [2])])
    async with support.running(make_runner(db.factory, kafka, topic)):
        assert await support.eventually(lambda: _applied_rows(db, 1), timeout=30)
    dlq = await support.read_topic(kafka, f"{topic}.dlq", until=lambda r: False, timeout=2)
    assert dlq == []


async def test_database_outage_retries_commits_nothing_then_applies_everything_once(
    db: Db, kafka: str, topic: str
):
    _, model = support.counted_contract(topic)
    host, port = db.url.split("@", 1)[1].split("/", 1)[0].split(":")
    async with TcpProxy(host, int(port)) as proxy:
        url = db.url.replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")
        engine = make_engine(url, pool_size=2)
        runner = make_runner(make_session_factory(engine), kafka, topic, max_backoff=0.5)
        try:
            async with support.running(runner):
                await support.produce(kafka, topic, events(model, range(10)))
                assert await support.eventually(lambda: _applied_rows(db, 10), timeout=30)
                await proxy.cut()  # database unreachable from here on
                await support.produce(kafka, topic, events(model, range(10, 60)))
                await asyncio.sleep(4)
                committed_during_outage = await support.committed_total(kafka, runner.name, topic)
                assert await support.applied_stats(db.dsn) == (10, 10, support.expected_sum(10))
                assert committed_during_outage == 10
                proxy.restore()
                assert await support.eventually(lambda: _applied_rows(db, 60), timeout=40)
                assert await support.eventually(
                    lambda: _committed_is(kafka, runner.name, topic, 60), timeout=20
                )
        finally:
            await engine.dispose()
    assert await support.applied_stats(db.dsn) == (60, 60, support.expected_sum(60))


async def _applied_rows(db: Db, expected: int) -> bool:
    return (await support.applied_stats(db.dsn))[0] >= expected


async def _committed_is(kafka: str, group: str, topic: str, expected: int) -> bool:
    return await support.committed_total(kafka, group, topic) == expected
