"""The bare-SQL ceilings of the award pipeline: the same rows as the points service writes for a
batch of volunteer awards (bench.award_rows builds them), one statement per table per batch,
one transaction per batch, on one asyncpg connection.

- SQL only (the headline ceiling): the rows of every batch are built in memory before the clock
  starts; the clock covers the transactions alone.
- Kafka + bare SQL: a fresh consumer group polls the backlog with aiokafka (up to 500 records a
  poll); each poll is read with json.loads, its lists in force and its wallets fetched in one
  query each (wallets locked), its rows built and written in one transaction, then its offsets
  committed; timed from the client's start, as the pipeline is.
"""

from __future__ import annotations

import time

import asyncpg
from aiokafka import ConsumerRecord

from bench.award_rows import Context, Push, Rows, build_rows, load_issuing, load_lists, load_wallets
from bench.common import BATCH, require
from kit.kafka import make_consumer
from kit.outbox import NOTIFY_CHANNEL
from tests.integration import support

INBOX = """
INSERT INTO inbox (consumer, event_source, event_id, event_type)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
ON CONFLICT DO NOTHING RETURNING event_source, event_id
"""
POSTINGS = """
INSERT INTO postings (id, kind, item_code, source_type, source_id, actor, reason, resident_id,
                      community_id, score_delta, capped, debt_delta, occurred_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::uuid[], $9::uuid[], $10::bigint[], $11::bigint[],
                     $12::bigint[], $13::timestamptz[])
ON CONFLICT ON CONSTRAINT uq_postings_source DO NOTHING RETURNING id
"""
ENTRIES = """
INSERT INTO entries (posting_id, account_id, amount)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[])
"""
SCORES = """
INSERT INTO scores (community_id, subject_kind, period, subject_id, score)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::bigint[])
ON CONFLICT (community_id, subject_kind, period, subject_id)
DO UPDATE SET score = scores.score + excluded.score
"""
ACCOUNTS = """
UPDATE accounts AS a SET debt = a.debt + u.debt, lifetime_earned = a.lifetime_earned + u.earned
FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS u(id, debt, earned) WHERE a.id = u.id
"""
OUTBOX = """
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic)
SELECT u.id, u.agg, u.aggid, u.type, u.payload::jsonb, u.topic
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     AS u(id, agg, aggid, type, payload, topic)
"""


async def write_rows(conn: asyncpg.Connection, rows: Rows) -> int:
    """Write one batch's rows inside the caller's transaction; the number of awards posted."""
    claimed = await conn.fetch(INBOX, *rows.inbox)
    posted = await conn.fetch(POSTINGS, *rows.postings)
    if len(claimed) != rows.awards or len(posted) != rows.awards:
        # Every push of the bench is new: anything else means the ceiling wrote the wrong rows.
        raise RuntimeError(f"claimed {len(claimed)}, posted {len(posted)} of {rows.awards}")
    await conn.execute(ENTRIES, *rows.entries)
    await conn.execute(SCORES, *rows.scores)
    await conn.execute(ACCOUNTS, *rows.accounts)
    await conn.execute(OUTBOX, *rows.outbox)
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return len(posted)


async def sql_only(dsn: str, batches: list[list[ConsumerRecord]], count: int) -> float:
    """Seconds to write every batch's rows, built in memory before the clock starts."""
    conn = await asyncpg.connect(dsn)
    try:
        pushes = [[Push.of(r) for r in batch] for batch in batches]
        flat = [p for batch in pushes for p in batch]
        context = Context(
            consumer=support.unique("ceiling"),
            wallets=await load_wallets(conn, flat),
            lists=await load_lists(conn, flat),
            issuing=await load_issuing(conn),
        )
        prepared = [build_rows(context, batch) for batch in pushes]
        posted = 0
        started = time.perf_counter()
        for rows in prepared:
            async with conn.transaction():
                posted += await write_rows(conn, rows)
        elapsed = time.perf_counter() - started
    finally:
        await conn.close()
    require(posted == count, f"the SQL-only ceiling posted {posted} of {count}")
    return elapsed


async def kafka_and_sql(dsn: str, kafka: str, topic: str, count: int) -> float:
    """Seconds from a fresh consumer's start until every award of the topic is committed."""
    started = time.perf_counter()
    name = support.unique("ceiling")
    consumer = make_consumer(kafka, name, max_poll_records=BATCH)
    consumer.subscribe([topic])
    conn = await asyncpg.connect(dsn)
    posted = 0
    try:
        issuing = await load_issuing(conn)  # remembered per process, as the service does
        await consumer.start()
        while posted < count:
            require(time.perf_counter() - started < 600, f"Kafka + SQL posted {posted} of {count}")
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            if not batch:
                continue
            pushes = [Push.of(r) for records in batch.values() for r in records]
            async with conn.transaction():  # one poll, one transaction, as the runner does
                wallets = await load_wallets(conn, pushes, lock=True)
                lists = await load_lists(conn, pushes)
                rows = build_rows(Context(name, wallets, lists, issuing), pushes)
                posted += await write_rows(conn, rows)
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batch.items()})
        return time.perf_counter() - started
    finally:
        await consumer.stop()
        await conn.close()
