"""Benchmark: raw aiokafka consume rate vs the kit's consumer runner applying the same events
to PostgreSQL with inbox de-duplication; and the relay's commit-to-Kafka latency.

Prints figures; never passes or fails. Needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS
(`make bench` starts the test stack for it):

    python -m bench.kit_throughput --events 20000 --latency-samples 500
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time

from aiokafka import AIOKafkaConsumer

from kit.db import unit_of_work
from kit.events import serialize
from kit.outbox import add_event
from kit.relay import OutboxRelay
from tests.integration import support
from tests.integration.support import Db, scratch_database


def require(complete: bool, what: str) -> None:
    """Refuse to print a figure for work that did not complete: exit non-zero instead."""
    if not complete:
        raise SystemExit(f"benchmark incomplete: {what}; no figure printed")


async def raw_consume(kafka: str, topic: str, count: int, timeout: float = 600) -> float:
    """Seconds for a fresh group to read `count` records, from before the client starts: its
    bootstrap and group join are counted, as they are for the runner it is compared with."""
    started = time.perf_counter()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=support.unique("raw"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = 0
    try:
        while seen < count:
            require(time.perf_counter() - started < timeout, f"raw consume saw {seen} of {count}")
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            seen += sum(len(records) for records in batch.values())
        return time.perf_counter() - started
    finally:
        await consumer.stop()


async def runner_apply(db: Db, kafka: str, topic: str, count: int) -> float:
    """Seconds from the runner's start (bootstrap and group join counted) until every event is
    applied; its shutdown is not counted."""
    runner = support.counted_runner(db.factory, kafka, topic, group=support.unique("bench"))
    started = time.perf_counter()
    task = asyncio.create_task(runner.run())

    async def done() -> bool:
        return (await support.applied_stats(db.dsn))[0] >= count

    complete = await support.eventually(done, timeout=600, interval=0.05)
    elapsed = time.perf_counter() - started
    await runner.stop()
    await task
    stats = await support.applied_stats(db.dsn)
    require(complete, f"the runner applied {stats[0]} of {count} events in 600 s")
    expected = (count, count, support.expected_sum(count))
    require(stats == expected, f"applied (rows, distinct, sum) {stats}, expected {expected}")
    return elapsed


async def relay_latency(db: Db, kafka: str, samples: int) -> list[float]:
    """Commit one event at a time; latency is arrival on Kafka minus commit returning."""
    topic = support.unique("bench.latency")
    await support.create_topics(kafka, [topic])
    registry, model = support.counted_contract(topic)
    relay = OutboxRelay(dsn=db.dsn, bootstrap_servers=kafka, service="bench")
    relay_task = asyncio.create_task(relay.run())
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka, auto_offset_reset="earliest")
    await consumer.start()
    committed: dict[str, float] = {}
    arrived: dict[str, float] = {}

    async def read() -> None:
        while len(arrived) < samples:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for r in records:
                    arrived.setdefault(json.loads(r.value)["id"], now)

    reader = asyncio.create_task(read())
    await asyncio.sleep(1)
    for n in range(samples):
        event = support.counted_event(model, n)
        async with unit_of_work(db.factory) as session:
            await add_event(session, event, registry)
            await session.commit()
        committed[event.id] = time.perf_counter()
        await asyncio.sleep(0.005)
    with contextlib.suppress(TimeoutError):  # judged below: refused unless all arrived
        await asyncio.wait_for(reader, timeout=120)
    await consumer.stop()
    await relay.stop()
    await relay_task
    require(len(arrived) >= samples, f"{len(arrived)} of {samples} events reached Kafka in 120 s")
    return sorted(arrived[i] - committed[i] for i in committed)


async def main(events: int, samples: int) -> None:
    kafka = support.bootstrap()
    topic = support.unique("bench.events")
    await support.create_topics(kafka, [topic, f"{topic}.dlq"])
    _, model = support.counted_contract(topic)
    batch = [support.counted_event(model, n, keys=500) for n in range(events)]
    await support.produce(
        kafka, topic, [serialize(e) for e in batch], keys=[str(e.subject).encode() for e in batch]
    )
    raw = await raw_consume(kafka, topic, events)
    async with scratch_database() as db:
        applied = await runner_apply(db, kafka, topic, events)
    async with scratch_database() as db:
        latencies = await relay_latency(db, kafka, samples)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"events                          {events}")
    print(f"raw aiokafka consume            {events / raw:10.0f} events/s  ({raw:.2f} s)")
    print(f"kit runner -> PostgreSQL+inbox  {events / applied:10.0f} events/s  ({applied:.2f} s)")
    print(f"ratio runner/raw                {raw / applied:10.3f}")
    print(f"relay commit->Kafka latency     p50 {p50:.1f} ms  p99 {p99:.1f} ms  (n={samples})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--latency-samples", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.latency_samples))
