"""Benchmark: the kit's consumer runner with a handler that does nothing (what is left is the
runner's own work: the inbox row per event, one transaction per batch, offsets)
against the bare inbox ceiling, a plain asyncpg loop writing the same inbox rows in batches of
the runner's size, one transaction per batch; the raw aiokafka consume of the same events for
reference; and the relay's commit-to-Kafka latency.

Both sides of the ratio write into a fresh scratch database cloned from the same template, on
the same server, in the same run. The runner is timed from its start (bootstrap and group join
counted) until every inbox row is committed; the ceiling's rows are prepared in memory before
its clock starts. No figure is printed unless every event has exactly one inbox row on both
sides and nothing reached the dead-letter topic.

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
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import (
    BATCH,
    Probe,
    batches,
    consume_backlog,
    rate_line,
    raw_consume,
    require,
    topic_size,
)
from kit.db import unit_of_work
from kit.events import ParsedEvent, serialize
from kit.outbox import add_event
from kit.relay import OutboxRelay
from tests.integration import support
from tests.integration.support import Db, scratch_database

__all__ = ["raw_consume", "require"]  # other benches import these from here

INBOX_SQL = """
INSERT INTO inbox (consumer, event_source, event_id, event_type)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT DO NOTHING RETURNING event_source, event_id
"""


async def ignore(session: AsyncSession, event: ParsedEvent[Any]) -> None:
    """A handler with no effect of its own."""


async def runner_inbox_only(db: Db, kafka: str, topic: str, count: int) -> float:
    """Seconds from the runner's start until every event has its inbox row; its shutdown is
    not counted."""
    group = support.unique("bench")
    runner = support.counted_runner(
        db.factory, kafka, topic, group=group, handler=ignore, max_records=BATCH
    )
    probe = Probe(db.dsn, "SELECT count(*) FROM inbox WHERE consumer = $1", group)

    async def done() -> bool:
        return await probe.count() >= count

    started = time.perf_counter()
    try:
        async with support.running(runner):
            complete = await support.eventually(done, timeout=600, interval=0.05)
            elapsed = time.perf_counter() - started
    finally:
        await probe.close()
    require(complete, f"the runner claimed {await inbox_count(db, group)} of {count} in 600 s")
    await check_inbox(db, group, count)
    require(await topic_size(kafka, f"{topic}.dlq") == 0, "events reached the dead-letter topic")
    return elapsed


def inbox_rows(consumer: str, batch: list[ConsumerRecord]) -> list[list[str]]:
    """The inbox columns of a batch, as the runner would claim them."""
    envelopes = [json.loads(r.value) for r in batch]
    return [
        [consumer] * len(envelopes),
        [e["source"] for e in envelopes],
        [e["id"] for e in envelopes],
        [e["type"] for e in envelopes],
    ]


async def bare_inbox(db: Db, chunks: list[list[ConsumerRecord]], count: int) -> float:
    """Seconds for one connection to claim every batch's inbox rows, a transaction a batch."""
    consumer = support.unique("ceiling")
    prepared = [inbox_rows(consumer, chunk) for chunk in chunks]
    conn = await asyncpg.connect(db.dsn)
    claimed = 0
    try:
        started = time.perf_counter()
        for columns in prepared:
            async with conn.transaction():
                claimed += len(await conn.fetch(INBOX_SQL, *columns))
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    require(claimed == count, f"the ceiling claimed {claimed} of {count} events")
    await check_inbox(db, consumer, count)
    return elapsed


async def inbox_count(db: Db, consumer: str) -> int:
    return int(str(await db.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", consumer)))


async def check_inbox(db: Db, consumer: str, count: int) -> None:
    """Exactly one applied inbox row per event, none for anything else."""
    applied = await db.fetchval(
        "SELECT count(*) FILTER (WHERE outcome = 'applied') FROM inbox WHERE consumer = $1",
        consumer,
    )
    found = await inbox_count(db, consumer)
    require(found == count and applied == count, f"{found} inbox rows ({applied} applied)")


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
    backlog = [support.counted_event(model, n, keys=500) for n in range(events)]
    await support.produce(
        kafka,
        topic,
        [serialize(e) for e in backlog],
        keys=[str(e.subject).encode() for e in backlog],
    )
    raw = await consume_backlog(kafka, topic, events)
    async with scratch_database() as db:
        runner = await runner_inbox_only(db, kafka, topic, events)
    async with scratch_database() as db:
        ceiling = await bare_inbox(db, batches(raw.records), events)
    async with scratch_database() as db:
        latencies = await relay_latency(db, kafka, samples)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(
        f"events                            {events} on 6 partitions (500 keys), batches of {BATCH}"
    )
    print("exactly once                      checked: one applied inbox row per event, no DLQ")
    print(rate_line("raw aiokafka consume", events, raw.seconds, "events", "  reference"))
    print(f"  (fresh group: first record after {raw.first_record:.2f} s)")
    print(rate_line("kit runner, inbox only", events, runner, "events", "  from runner start"))
    print(rate_line("ceiling: bare asyncpg inbox", events, ceiling, "events", "  SQL only"))
    print(f"ratio runner/ceiling              {ceiling / runner:10.3f}")
    print(f"ratio runner/raw consume          {raw.seconds / runner:10.3f}")
    print(f"relay commit->Kafka latency       p50 {p50:.1f} ms  p99 {p99:.1f} ms  (n={samples})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--latency-samples", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.latency_samples))
