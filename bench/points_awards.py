"""Benchmark: volunteer awards per second through the real consumer and ledger, next to the raw
aiokafka consume rate of the same events; and red-list read latency with 100,000 postings.

Prints figures; never passes or fails. Needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS
(`make bench` starts the test stack for it):

    python -m bench.points_awards --events 5000 --residents 500 --postings 100000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.kit_throughput import raw_consume, require
from contracts.identity import ResidentRegistered
from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, new_event, serialize
from kit.phone import keyed_hash
from services.points.base import LOCAL
from services.points.boards import service as boards
from services.points.consumers import HANDLERS
from services.points.listing import service as rules
from tests.integration import support
from tests.integration.support import Db, scratch_database

ITEMS = [
    {
        "code": "ENV",
        "name": "环境整治",
        "category": "志愿",
        "points": 5,
        "triggers": [{"source": "volunteer", "activity_type": "环境整治"}],
    }
]


async def publish_list(db: Db, community: uuid.UUID) -> None:
    async with unit_of_work(db.factory) as session:
        # The list must be in force on the pushes' Asia/Shanghai date: built from now, not fixed.
        since = datetime.now(LOCAL).date() - timedelta(days=30)
        body = rules.PointsList.model_validate({"items": ITEMS, "effective_from": since})
        version = await rules.draft(session, community_id=community, body=body, actor="bench")
        await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
        await session.commit()


Batch = tuple[list[bytes], list[bytes]]  # values and their Kafka keys


def stream(community: uuid.UUID, residents: int, events: int) -> tuple[Batch, Batch]:
    """Registrations first, then pushes spread over the residents, each keyed by its subject
    (the phone hash) as the outbox relay and the gateway key them, so they spread over the
    partitions and one resident's events stay in order."""
    path = f"/{uuid.uuid4()}/{community}"
    hashes = [keyed_hash("bench", str(i)) for i in range(residents)]
    registrations = [
        new_event(
            ResidentRegistered(
                resident_id=str(uuid.uuid4()),
                community_id=str(community),
                community_path=path,
                name="居民",
                phone_hash=h,
                registered_at=datetime.now(UTC),
            ),
            source="/services/identity",
            subject=h,
        )
        for h in hashes
    ]
    pushes = [
        new_event(
            ActivityCompleted(
                volunteer=VolunteerRef(phone_hash=hashes[n % residents]),
                activity=Activity(id=str(n), type="环境整治", title="清扫"),
                community_id=str(community),
                hours=1,
                completed_at=datetime.now(UTC),
            ),
            source="/partners/volunteer",
            subject=hashes[n % residents],
        )
        for n in range(events)
    ]
    return _batch(registrations), _batch(pushes)


def _batch(events: list[CloudEvent]) -> Batch:
    return [serialize(e) for e in events], [str(e.subject).encode() for e in events]


async def awards_rate(db: Db, kafka: str, residents: int, events: int) -> tuple[float, float]:
    community = uuid.uuid4()
    await publish_list(db, community)
    regs, pushes = stream(community, residents, events)
    reg_topic, push_topic = support.unique("bench.identity"), support.unique("bench.volunteer")
    await support.create_topics(
        kafka, [reg_topic, f"{reg_topic}.dlq", push_topic, f"{push_topic}.dlq"]
    )
    await support.produce(kafka, reg_topic, regs[0], keys=regs[1])
    await _run_until(
        db, kafka, reg_topic, "SELECT count(*) FROM accounts WHERE kind = 'resident'", residents
    )
    await support.produce(kafka, push_topic, pushes[0], keys=pushes[1])
    raw = await raw_consume(kafka, push_topic, events)
    applied = await _run_until(
        db,
        kafka,
        push_topic,
        "SELECT count(*) FROM postings WHERE source_type = 'volunteer'",
        events,
    )
    return raw, applied


async def _run_until(db: Db, kafka: str, topic: str, sql: str, target: int) -> float:
    """Seconds from the runner's start (bootstrap and group join counted, as for the raw
    consumer) until `sql` counts `target`; the runner's shutdown is not counted."""
    runner = ConsumerRunner(
        consumer_name=support.unique("bench"),
        topics=[topic],
        handlers=HANDLERS,
        session_factory=db.factory,
        bootstrap_servers=kafka,
    )

    async def done() -> bool:
        return int(str(await db.fetchval(sql))) >= target

    started = time.perf_counter()
    async with support.running(runner):
        complete = await support.eventually(done, timeout=900, interval=0.05)
        elapsed = time.perf_counter() - started
    found = int(str(await db.fetchval(sql)))
    require(complete and found == target, f"{found} of {target} for {sql!r} (900 s allowed)")
    return elapsed


SEED = [
    "INSERT INTO accounts (id, kind, community_id) VALUES (gen_random_uuid(), 'issuing', $1)",
    """INSERT INTO accounts (id, kind, resident_id, community_id, community_path, name)
       SELECT gen_random_uuid(), 'resident', gen_random_uuid(), $1, $3, '居民' || g
       FROM generate_series(1, $2::int) g""",
    """INSERT INTO postings (id, kind, source_type, source_id, actor, reason, resident_id,
                            community_id, score_delta, occurred_at)
       SELECT gen_random_uuid(), 'award', 'bench', g::text, 'bench', '基准测试',
              r.ids[1 + g % array_length(r.ids, 1)], $1, 1 + g % 10, now()
       FROM generate_series(1 + $2::int, $3::int) g,
            (SELECT array_agg(resident_id) ids FROM accounts WHERE community_id = $1
              AND kind = 'resident') r""",
    """INSERT INTO entries (posting_id, account_id, amount)
       SELECT p.id, a.id, p.score_delta FROM postings p
         JOIN accounts a ON a.resident_id = p.resident_id WHERE p.community_id = $1
       UNION ALL
       SELECT p.id, i.id, -p.score_delta FROM postings p
         JOIN accounts i ON i.kind = 'issuing' AND i.community_id = $1
       WHERE p.community_id = $1""",
    """INSERT INTO scores (community_id, subject_kind, period, subject_id, score)
       SELECT $1, 'resident', k, resident_id, sum(score_delta) FROM postings
         CROSS JOIN unnest(ARRAY['m' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'),
                                 'y' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY'),
                                 'all']) k
       WHERE community_id = $1 GROUP BY k, resident_id""",
]


async def seed_postings(db: Db, community: uuid.UUID, residents: int, postings: int) -> None:
    """Real postings with balanced entries (the ledger's triggers run) and their aggregates."""
    conn = await asyncpg.connect(db.dsn)
    try:
        async with conn.transaction():
            args: list[tuple[object, ...]] = [
                (community,),
                (community, residents, f"/{community}"),
                (community, 0, postings),
                (community,),
                (community,),
            ]
            for statement, values in zip(SEED, args, strict=True):
                await conn.execute(statement, *values)
    finally:
        await conn.close()


async def board_latency(db: Db, postings: int, reads: int) -> list[float]:
    community = uuid.uuid4()
    residents = max(1, postings // 50)
    await seed_postings(db, community, residents, postings)
    latencies = []
    now = datetime.now(UTC)
    for _ in range(reads):
        async with unit_of_work(db.factory) as session:
            started = time.perf_counter()
            board = await boards.leaderboard(
                session, community_id=community, by="resident", period="month", now=now, limit=20
            )
            latencies.append(time.perf_counter() - started)
        require(len(board) == min(20, residents), f"the red list had {len(board)} rows")
    return sorted(latencies)


async def main(events: int, residents: int, postings: int) -> None:
    kafka = support.bootstrap()
    async with scratch_database("points") as db:
        raw, applied = await awards_rate(db, kafka, residents, events)
    async with scratch_database("points") as db:
        latencies = await board_latency(db, postings, 200)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(f"volunteer pushes                 {events} over {residents} residents")
    print("(both rates timed from client start: bootstrap and group join counted, stop not)")
    print(f"raw aiokafka consume             {events / raw:10.0f} events/s ({raw:.2f} s)")
    print(f"awards through consumer+ledger   {events / applied:10.0f} awards/s ({applied:.2f} s)")
    print(f"ratio awards/raw                 {raw / applied:10.3f}")
    print(
        f"red list (top 20, month)         p50 {p50:.2f} ms  p99 {p99:.2f} ms "
        f"(aggregates of {postings} postings, {postings // 50} residents)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--postings", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.residents, args.postings))
