"""The red list's read latency over real postings: seeded in one transaction with balanced
entries (the ledger's triggers run) and their aggregates, then read through the boards service.
Part of bench.points_awards."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, datetime

import asyncpg

from bench.common import require
from kit.db import unit_of_work
from services.points.boards import service as boards
from tests.integration.support import Db

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


async def red_list_line(db: Db, postings: int, reads: int = 200) -> str:
    """The figure line: p50 and p99 of the month's top 20 over `postings` postings."""
    latencies = await board_latency(db, postings, reads)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return (
        f"red list (top 20, month)          p50 {p50:.2f} ms  p99 {p99:.2f} ms "
        f"(aggregates of {postings} postings, {postings // 50} residents)"
    )
