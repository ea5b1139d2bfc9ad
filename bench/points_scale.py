"""Benchmark: the points service's reads at province scale (30,000 communities, 1,000,000
residents in 400,000 households, 20,000,000 postings over two years), each through the
service's own functions on a generated database (bench/points_scale_data.py).

Prints p50/p99 per read and what the two jobs cost; never passes or fails on time. Needs
DATABASE_URL (`make bench-scale` starts the test stack for it):

    python -m bench.points_scale --scale 0.01 --samples 300

The jobs write, so they run last: the expiry job for the year-end behind today (communities
with `expiry_years = 1`: what residents earned two calendar years ago expires) and the vesting
job for every claim whose publicity ended. Each is timed as its own loop over the service's
steps (run_expiry's candidate query, then one transaction per resident; vest_due_claims' locked
batch, then one claim at a time), and the real job is run afterwards to prove the loop left it
nothing to do.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import text

from bench.kit_throughput import require
from bench.points_scale_data import Scale, generate
from kit.db import unit_of_work
from kit.pagination import encode_cursor
from services.points.accounts import service as accounts
from services.points.base import LOCAL
from services.points.boards import service as boards
from services.points.boards.rules import By, Period
from services.points.claims import vesting
from services.points.expiry import service as expiry
from tests.integration.support import Db, scratch_database

Sample = Callable[[int], Awaitable[int]]  # sample k -> rows it read


def subject(prefix: str, n: int) -> uuid.UUID:
    """The id the generator gave entity `n` (md5(prefix || n)::uuid)."""
    return uuid.UUID(hashlib.md5(f"{prefix}{n}".encode()).hexdigest())  # noqa: S324 - an id


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


class Table:
    """The printed figures: one line per read, p50/p99 in ms and the rows each read returned."""

    def __init__(self) -> None:
        print(f"{'read':<40} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'rows':>8}")

    def line(self, what: str, times: list[float], rows: list[int]) -> None:
        q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times
        p50, p99 = statistics.median(times), q[-1]
        print(
            f"{what:<40} {len(times):>6} {ms(p50)} {ms(p99)} {ms(max(times))} "
            f"{statistics.median(rows):>8.0f}",
            flush=True,
        )


async def timed(samples: int, sample: Sample, warmup: int = 20) -> tuple[list[float], list[int]]:
    """Run `sample` warmup + samples times, one at a time; the warm-up runs are not counted."""
    times, rows = [], []
    for k in range(warmup + samples):
        began = time.perf_counter()
        n = await sample(k)
        if k >= warmup:
            times.append(time.perf_counter() - began)
            rows.append(n)
    return times, rows


class Reads:
    """The resident- and community-facing reads, each a fresh session as a request gets."""

    def __init__(self, db: Db, scale: Scale, now: datetime, seed: int = 15) -> None:
        self.db, self.scale, self.now = db, scale, now
        self.rng = random.Random(seed)

    def resident(self) -> uuid.UUID:
        return subject("r", self.rng.randrange(self.scale.residents))

    def community(self) -> uuid.UUID:
        return subject("c", self.rng.randrange(self.scale.communities))

    def heavy(self, k: int) -> uuid.UUID:
        stride = self.scale.residents // self.scale.heavy
        return subject("r", (k % self.scale.heavy) * stride)

    async def account(self, _: int) -> int:
        async with self.db.factory() as session:
            account = await accounts.account_of(session, self.resident())
            await accounts.account_out(session, account)
        return 1

    async def first_page(self, k: int) -> int:
        resident = self.heavy(k) if k % 2 else self.resident()
        async with self.db.factory() as session:
            page = await accounts.postings_page(session, resident, None, 20)
        return len(page.items)

    async def deep_cursor(self, resident: uuid.UUID) -> str:
        """The cursor of the row 80% down a resident's postings (set-up, not timed)."""
        async with self.db.factory() as session:
            row = (
                await session.execute(
                    text(
                        "SELECT created_at, id FROM postings WHERE resident_id = :r"
                        " ORDER BY created_at DESC, id DESC"
                        " OFFSET (SELECT count(*) * 8 / 10 FROM postings WHERE resident_id = :r)"
                        " LIMIT 1"
                    ),
                    {"r": resident},
                )
            ).one()
        return encode_cursor(row.created_at, row.id)

    async def deep_pages(self, samples: int) -> tuple[list[float], list[int]]:
        heavy = [self.heavy(k) for k in range(min(samples, self.scale.heavy))]
        cursors = [await self.deep_cursor(r) for r in heavy]

        async def sample(k: int) -> int:
            async with self.db.factory() as session:
                i = k % len(heavy)
                page = await accounts.postings_page(session, heavy[i], cursors[i], 20)
            return len(page.items)

        return await timed(samples, sample)

    async def board(self, by: By, period: Period) -> Sample:
        async def sample(_: int) -> int:
            async with self.db.factory() as session:
                rows = await boards.leaderboard(
                    session,
                    community_id=self.community(),
                    by=by,
                    period=period,
                    now=self.now,
                    limit=20,
                )
            return len(rows)

        return sample

    async def rank(self, k: int) -> int:
        """As /accounts/me/rank: the account, then its place on the month's board (every
        other sample a heavy resident, who has a score this month: the count is then read)."""
        async with self.db.factory() as session:
            resident = self.heavy(k) if k % 2 else self.resident()
            account = await accounts.account_of(session, resident)
            assert account.community_id is not None and account.resident_id is not None
            place, _score = await boards.rank_of(
                session,
                community_id=account.community_id,
                resident_id=account.resident_id,
                period="month",
                now=self.now,
            )
        return int(place is not None)


async def measure_reads(db: Db, scale: Scale, now: datetime, samples: int, table: Table) -> None:
    reads = Reads(db, scale, now)
    table.line("account (wallet + household)", *await timed(samples, reads.account))
    table.line("postings, first page (half heavy)", *await timed(samples, reads.first_page))
    table.line("postings, cursor 80% deep (heavy)", *await reads.deep_pages(samples))
    kinds: tuple[By, ...] = ("resident", "household")
    periods: tuple[Period, ...] = ("month", "year", "all")
    for by in kinds:
        for period in periods:
            sample = await reads.board(by, period)
            table.line(f"red list: {by} / {period}", *await timed(samples, sample))
    table.line("rank of a resident (month)", *await timed(samples, reads.rank))


async def measure_expiry(db: Db, now: datetime, table: Table, runs: int) -> None:
    """run_expiry's work timed step by step: the candidate query (repeated, read-only), then
    each resident's transaction (lock, movements, mark, expiry posting, event), once each."""
    today = now.astimezone(LOCAL).date()
    times, found = [], []
    for _ in range(runs):
        async with unit_of_work(db.factory) as session:
            began = time.perf_counter()
            todo = await expiry._candidates(session, today)  # the job's own step
            times.append(time.perf_counter() - began)
            found.append(len(todo))
    table.line("expiry: candidate query", times, found)
    times, rows = [], []
    began_all = time.perf_counter()
    for resident_id, years in todo:
        async with unit_of_work(db.factory) as session:
            began = time.perf_counter()
            done = await expiry._apply(session, resident_id, years, today=today, now=now)
            await session.commit()
            times.append(time.perf_counter() - began)
            rows.append(done["expired"])
    require(bool(times), "no expiry candidates")
    table.line("expiry: one resident's transaction", times, rows)
    total = time.perf_counter() - began_all
    left = await expiry.run_expiry(session_factory=db.factory, now=now)
    require(left["expired"] == 0 and left["warned"] == 0, f"expiry loop left work: {left}")
    print(
        f"expiry year-end run: {len(todo)} residents, {sum(rows)} expired, {total:.1f} s;"
        f" the real run_expiry afterwards found nothing left: {left}",
        flush=True,
    )


async def measure_vesting(db: Db, now: datetime, table: Table, due: int) -> None:
    """vest_due_claims' work timed step by step: each locked batch query, then each claim."""
    batches, claims, sizes = [], [], []
    began_all = time.perf_counter()
    while True:
        async with unit_of_work(db.factory) as session:
            began = time.perf_counter()
            batch = await vesting._lock_due_claims(session, now=now, skip=set())
            batches.append(time.perf_counter() - began)
            sizes.append(len(batch))
            for claim in batch:
                began = time.perf_counter()
                require(await vesting._vest(session, claim, now), "a claim could not vest")
                claims.append(time.perf_counter() - began)
            await session.commit()
        if len(batch) < vesting.VEST_BATCH:
            break
    total = time.perf_counter() - began_all
    require(len(claims) == due, f"vested {len(claims)} of {due} due claims")
    table.line("vesting: due-claims batch query", batches, sizes)
    table.line("vesting: one claim (cap, post, event)", claims, [1] * len(claims))
    left = await vesting.vest_due_claims(session_factory=db.factory, now=now)
    require(left == 0, f"vesting loop left {left} claims")
    print(f"vesting run: {len(claims)} claims in {total:.1f} s; the real job found 0 left")


async def size_of(db: Db) -> str:
    async with db.factory() as session:
        size = await session.scalar(text("SELECT pg_database_size(current_database())"))
    return f"{int(size or 0) / 2**30:.1f} GiB"


async def log_plans(db: Db) -> None:
    """Every statement's plan with row counts and buffers into the server's log (auto_explain),
    for new connections to this database: to check that no read scans a large table."""
    engine = db.engine
    async with engine.connect() as conn:
        for sql in (
            "session_preload_libraries = 'auto_explain'",
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "auto_explain.log_nested_statements = on",
        ):
            await conn.execute(text(f'ALTER DATABASE "{db.name}" SET {sql}'))
        await conn.commit()
    await engine.dispose()


async def main(scale_factor: float, samples: int, explain: bool) -> None:
    scale = Scale.of(scale_factor)
    print(f"province scale x{scale_factor}: {scale}", flush=True)
    async with scratch_database("points") as db:
        now = datetime.now(UTC)
        took = await generate(db.dsn, scale, now)
        print(f"generated in {took:.0f} s; database size {await size_of(db)}", flush=True)
        if explain:
            await log_plans(db)
        table = Table()
        await measure_reads(db, scale, now, samples, table)
        await measure_expiry(db, now, table, runs=max(20, samples // 10))
        await measure_vesting(db, now, table, scale.due_claims)
        print(f"database size after the jobs {await size_of(db)}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = province scale")
    parser.add_argument("--samples", type=int, default=500, help="timed samples per read")
    parser.add_argument("--explain", action="store_true", help="log every plan (auto_explain)")
    args = parser.parse_args()
    asyncio.run(main(args.scale, args.samples, args.explain))
