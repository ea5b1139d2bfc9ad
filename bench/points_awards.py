"""Benchmark: volunteer awards through the real consumer runner and points ledger, against the
bare-SQL ceiling for the same rows; the raw aiokafka consume of the same events for reference;
and the red list's read latency over 100,000 postings.

A backlog of ActivityCompleted pushes, keyed by phone hash as the gateway keys them, on a topic
of 6 partitions, for residents registered (and put in households of three) through the same
runner from identity's events, in a community whose points list is in force (effective from a
date built from now; one uncapped item, so no cap query runs on either side). Sides:

- pipeline: `ConsumerRunner` with points' HANDLERS (batches of 500), timed from its start
  (bootstrap and group join counted) until every award is committed;
- ceiling, SQL only (the headline): bench.award_ceiling writes the same rows in batches of 500,
  one transaction each, on a fresh scratch points database with the same accounts and list;
  rows built in memory before the clock starts;
- ceiling, Kafka + bare SQL: the same, reading the backlog itself with a fresh consumer group,
  timed like the pipeline;
- raw aiokafka consume: a fresh group reading the backlog, timed like the pipeline.

No figure is printed unless every push was applied exactly once on every database (postings,
entries, balances, earnings, aggregates, outbox, inbox; bench.award_checks), nothing reached the
dead-letter topic, and each ceiling's rows equal the pipeline's (digests without generated ids).

Prints figures; never passes or fails. Needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS
(`make bench` starts the test stack for it):

    python -m bench.points_awards --events 20000 --residents 2000 --postings 100000
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

from bench import award_ceiling
from bench.award_checks import check_exactly_once, check_same_rows, ledger_state
from bench.common import (
    BATCH,
    Probe,
    batches,
    consume_backlog,
    copy_table,
    rate_line,
    require,
    topic_size,
)
from bench.red_list import red_list_line
from contracts.identity import HouseholdMemberJoined, ResidentRegistered
from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, new_event, serialize
from kit.phone import keyed_hash
from services.points.base import LOCAL
from services.points.consumers import HANDLERS
from services.points.listing import service as rules
from tests.integration import support
from tests.integration.support import Db, scratch_database

POINTS = 5
ITEMS = [
    {
        "code": "ENV",
        "name": "环境整治",
        "category": "志愿",
        "points": POINTS,
        "triggers": [{"source": "volunteer", "activity_type": "环境整治"}],
    }
]
HOUSEHOLD = 3  # residents per household


async def publish_list(db: Db, community: uuid.UUID) -> None:
    async with unit_of_work(db.factory) as session:
        # The list must be in force on the pushes' Asia/Shanghai date: built from now, not fixed.
        since = datetime.now(LOCAL).date() - timedelta(days=30)
        body = rules.PointsList.model_validate({"items": ITEMS, "effective_from": since})
        version = await rules.draft(session, community_id=community, body=body, actor="bench")
        await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
        await session.commit()


Batch = tuple[list[bytes], list[bytes]]  # values and their Kafka keys


def _batch(events: list[CloudEvent]) -> Batch:
    return [serialize(e) for e in events], [str(e.subject).encode() for e in events]


def residents_stream(community: uuid.UUID, residents: int) -> tuple[list[str], Batch]:
    """Phone hashes, and identity's events: each resident registered, then in a household;
    keyed by the resident as identity keys them, so one resident's events stay in order."""
    path, now = f"/{uuid.uuid4()}/{community}", datetime.now(UTC)
    hashes = [keyed_hash("bench", str(i)) for i in range(residents)]
    ids = [str(uuid.uuid4()) for _ in range(residents)]
    households = [str(uuid.uuid4()) for _ in range(0, residents, HOUSEHOLD)]
    registered = [
        ResidentRegistered(
            resident_id=r,
            community_id=str(community),
            community_path=path,
            name="居民",
            phone_hash=h,
            registered_at=now,
        )
        for r, h in zip(ids, hashes, strict=True)
    ]
    joined = [
        HouseholdMemberJoined(
            household_id=households[i // HOUSEHOLD],
            resident_id=r,
            community_id=str(community),
            joined_at=now,
        )
        for i, r in enumerate(ids)
    ]
    events = [
        new_event(data, source="/services/identity", subject=r)
        for data, r in [*zip(registered, ids, strict=True), *zip(joined, ids, strict=True)]
    ]
    return hashes, _batch(events)


def pushes_stream(community: uuid.UUID, hashes: list[str], events: int) -> Batch:
    """Pushes spread over the residents, keyed by the phone hash (the subject) as the gateway
    keys them, so they spread over the partitions and one volunteer's stay in order."""
    pushes = [
        new_event(
            ActivityCompleted(
                volunteer=VolunteerRef(phone_hash=hashes[n % len(hashes)]),
                activity=Activity(id=str(n), type="环境整治", title="清扫"),
                community_id=str(community),
                hours=1,
                completed_at=datetime.now(UTC),
            ),
            source="/partners/volunteer",
            subject=hashes[n % len(hashes)],
        )
        for n in range(events)
    ]
    return _batch(pushes)


async def _run_until(db: Db, kafka: str, topic: str, sql: str, target: int) -> float:
    """Seconds from the points runner's start (bootstrap and group join counted, as for the raw
    consumer) until `sql` counts `target`; the runner's shutdown is not counted."""
    runner = ConsumerRunner(
        consumer_name=support.unique("bench"),
        topics=[topic],
        handlers=HANDLERS,
        session_factory=db.factory,
        bootstrap_servers=kafka,
        max_records=BATCH,
    )
    probe = Probe(db.dsn, sql)

    async def done() -> bool:
        return await probe.count() >= target

    started = time.perf_counter()
    try:
        async with support.running(runner):
            complete = await support.eventually(done, timeout=900, interval=0.05)
            elapsed = time.perf_counter() - started
        found = await probe.count()
    finally:
        await probe.close()
    require(complete and found == target, f"{found} of {target} for {sql!r} (900 s allowed)")
    require(await topic_size(kafka, f"{topic}.dlq") == 0, f"events of {topic} reached its DLQ")
    return elapsed


async def register(db: Db, kafka: str, community: uuid.UUID, residents: int) -> list[str]:
    """The list, the issuing account, and the residents in households, through the runner."""
    await publish_list(db, community)
    await db.fetchval(
        "INSERT INTO accounts (id, kind, community_id) VALUES (gen_random_uuid(), 'issuing', $1)",
        community,
    )
    hashes, (values, keys) = residents_stream(community, residents)
    topic = await _topic(kafka, "bench.identity")
    await support.produce(kafka, topic, values, keys=keys)
    in_households = "SELECT count(*) FROM accounts WHERE household_id IS NOT NULL"
    await _run_until(db, kafka, topic, in_households, residents)
    return hashes


async def _topic(kafka: str, prefix: str) -> str:
    topic = support.unique(prefix)
    await support.create_topics(kafka, [topic, f"{topic}.dlq"])
    return topic


async def awards(events: int, residents: int) -> list[str]:
    """Measure every side on its own scratch database; the figure lines."""
    kafka, community = support.bootstrap(), uuid.uuid4()
    async with (
        scratch_database("points") as pipeline,
        scratch_database("points") as bare,
        scratch_database("points") as streamed,
    ):
        hashes = await register(pipeline, kafka, community, residents)
        for target in (bare, streamed):  # the same accounts (ids included) and list
            for table in ("accounts", "rule_versions"):
                await copy_table(pipeline.dsn, target.dsn, table)
        topic = await _topic(kafka, "bench.volunteer")
        values, keys = pushes_stream(community, hashes, events)
        await support.produce(kafka, topic, values, keys=keys)
        raw = await consume_backlog(kafka, topic, events)
        posted = "SELECT count(*) FROM postings WHERE source_type = 'volunteer'"
        applied = await _run_until(pipeline, kafka, topic, posted, events)
        ceiling = await award_ceiling.sql_only(bare.dsn, batches(raw.records), events)
        both = await award_ceiling.kafka_and_sql(streamed.dsn, kafka, topic, events)
        expected = await ledger_state(pipeline.dsn)
        check_exactly_once(expected, events, POINTS, "pipeline")
        for side, db in (("SQL-only ceiling", bare), ("Kafka + SQL ceiling", streamed)):
            state = await ledger_state(db.dsn)
            check_exactly_once(state, events, POINTS, side)
            check_same_rows(expected, state, side)
    households = -(-residents // HOUSEHOLD)
    return [
        f"volunteer pushes                  {events} over {residents} residents in {households} "
        f"households, 6 partitions, batches of {BATCH}",
        f"exactly once                      checked on 3 databases: {events} postings of {POINTS}, "
        "entries, balances, aggregates, outbox, inbox; no DLQ; ceilings wrote the same rows",
        rate_line("raw aiokafka consume", events, raw.seconds, "events", "  reference"),
        f"  (fresh group: first record after {raw.first_record:.2f} s)",
        rate_line("award pipeline (runner+ledger)", events, applied, "awards", "  from start"),
        rate_line("ceiling: bare SQL", events, ceiling, "awards", "  rows built before clock"),
        rate_line("ceiling: Kafka + bare SQL", events, both, "awards", "  from consumer start"),
        f"ratio pipeline/ceiling            {ceiling / applied:10.3f}",
        f"ratio pipeline/(Kafka + bare SQL) {both / applied:10.3f}",
        f"ratio pipeline/raw consume        {raw.seconds / applied:10.3f}",
    ]


async def main(events: int, residents: int, postings: int) -> None:
    lines = await awards(events, residents)
    async with scratch_database("points") as db:
        lines.append(await red_list_line(db, postings))
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--postings", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.residents, args.postings))
