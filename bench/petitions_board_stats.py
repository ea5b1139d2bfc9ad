"""Benchmark: the public board's first page and a town's cadre dashboard with 100,000
petitions across 200 communities (10 towns), p50/p99 in ms, with each query's plan.

Prints figures; never passes or fails. Needs DATABASE_URL (`make bench` starts the test stack):

    python -m bench.petitions_board_stats --petitions 100000 --communities 200 --runs 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import event

from bench.kit_throughput import require
from kit.auth import Principal, RoleGrant
from kit.db import unit_of_work
from kit.deps import StaffScope
from services.petitions.cases.board import board_page
from services.petitions.deps import MANAGERS
from services.petitions.stats import service as stats
from tests.integration.support import Db, scratch_database

TOWNS = 10
FROM = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
CATEGORIES = ("环境卫生", "道路交通", "邻里纠纷", "公共设施")
# (status, weight): most of a year's petitions are long closed; a few are still open.
STATUSES = [
    ("closed", 60),
    ("resolved", 6),
    ("in_progress", 7),
    ("assigned", 5),
    ("accepted", 3),
    ("submitted", 7),
    ("rejected", 6),
    ("cancelled", 3),
    ("reopened", 3),
]
RATINGS = ([5] * 45) + ([4] * 30) + ([3] * 15) + ([2] * 6) + ([1] * 4)
COLUMNS = [
    "id",
    "community_id",
    "community_path",
    "category_id",
    "author_id",
    "author_name",
    "title",
    "content",
    "visibility",
    "status",
    "accept_due_at",
    "resolve_due_at",
    "accepted_at",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "rating",
    "supports_count",
    "created_at",
    "updated_at",
]


def tree(communities: int) -> tuple[str, list[tuple[uuid.UUID, str]], list[tuple[uuid.UUID, str]]]:
    """A district path, its towns and the communities spread evenly over them."""
    district = uuid.uuid4()
    root = f"/{district}"
    towns = [(t, f"{root}/{t}") for t in (uuid.uuid4() for _ in range(TOWNS))]
    members = [
        (c, f"{towns[i % TOWNS][1]}/{c}")
        for i, c in enumerate(uuid.uuid4() for _ in range(communities))
    ]
    return root, towns, members


def petition_row(
    rng: random.Random,
    community: tuple[uuid.UUID, str],
    categories: list[uuid.UUID],
    now: datetime,
) -> tuple[Any, ...]:
    created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    accepted = resolved = closed = due = rating = None
    reopens = 0
    if status not in ("submitted", "rejected", "cancelled"):
        accepted = created + timedelta(hours=rng.uniform(0.5, 48))
        due = accepted + timedelta(days=7)
    if status in ("resolved", "closed"):
        assert accepted is not None
        resolved = accepted + timedelta(hours=rng.uniform(2, 240))
        reopens = 1 if rng.random() < 0.08 else 0
    if status == "closed":
        assert resolved is not None
        closed = resolved + timedelta(hours=rng.uniform(0, 168))
        rating = rng.choice(RATINGS) if rng.random() < 0.75 else None
    if status == "reopened":
        reopens, rating = 1, rng.choice([1, 2])
    return (
        uuid.uuid4(),
        community[0],
        community[1],
        rng.choice(categories),
        uuid.uuid4(),
        "张三",
        "村口路灯坏了",
        "村口的三盏路灯已经坏了一周，晚上出行不安全。",
        "public" if rng.random() < 0.8 else "private",
        status,
        created + timedelta(hours=24),
        due,
        accepted,
        resolved,
        closed,
        reopens,
        rating,
        rng.randint(0, 30),
        created,
        closed or resolved or accepted or created,
    )


async def seed(
    db: Db, petitions: int, communities: int
) -> tuple[str, list[tuple[uuid.UUID, str]], list[uuid.UUID]]:
    """Units, categories, petitions and two public timeline entries per accepted petition."""
    rng = random.Random(20261129)
    now = datetime.now(UTC)
    root, towns, members = tree(communities)
    conn = await asyncpg.connect(db.dsn)
    try:
        units = [(uuid.UUID(root[1:]), root, False)] + [(t, p, False) for t, p in towns]
        units += [(c, p, True) for c, p in members]
        await conn.copy_records_to_table(
            "units", records=units, columns=["id", "path", "is_community"]
        )
        cats: dict[uuid.UUID, list[uuid.UUID]] = {
            c: [uuid.uuid4() for _ in CATEGORIES] for c, _ in members
        }
        await conn.copy_records_to_table(
            "categories",
            records=[
                (cid, c, name, f"c{i}", 24, 7)
                for c, ids in cats.items()
                for i, (cid, name) in enumerate(zip(ids, CATEGORIES, strict=True))
            ],
            columns=[
                "id",
                "community_id",
                "name",
                "service_code",
                "accept_within_hours",
                "resolve_within_days",
            ],
        )
        rows = [
            petition_row(rng, members[i % communities], cats[members[i % communities][0]], now)
            for i in range(petitions)
        ]
        await conn.copy_records_to_table("petitions", records=rows, columns=COLUMNS)
        entries = [
            (uuid.uuid4(), seq, r[0], at, kind, True, "staff")
            for r in rows
            if r[12] is not None
            for seq, (kind, at) in enumerate([("status", r[12]), ("reply", r[13] or r[12])], 1)
        ]
        await conn.copy_records_to_table(
            "timeline",
            records=entries,
            columns=["id", "seq", "petition_id", "at", "kind", "public", "actor_role"],
        )
        await conn.execute("ANALYZE")
        stored = await conn.fetchval("SELECT count(*) FROM petitions")
    finally:
        await conn.close()
    require(stored == petitions, f"seeded {stored} of {petitions} petitions")
    return root, towns, [c for c, _ in members]


def scope_of(root: str) -> StaffScope:
    """A district admin: the dashboard's authorisation passes for every town."""
    grant = RoleGrant(role="district_admin", unit_id=root[1:], unit_path=root)
    return StaffScope(principal=Principal(sub=str(uuid.uuid4()), roles=(grant,)), roles=MANAGERS)


async def timed(runs: int, call: Callable[[int], Awaitable[None]]) -> list[float]:
    for i in range(5):  # warm the pool and the caches
        await call(i)
    took = []
    for i in range(runs):
        started = time.perf_counter()
        await call(i)
        took.append((time.perf_counter() - started) * 1000)
    return sorted(took)


def figures(took: list[float]) -> str:
    p99 = took[max(0, int(len(took) * 0.99) - 1)]
    return f"p50 {statistics.median(took):7.2f} ms  p99 {p99:7.2f} ms  ({len(took)} runs)"


def scans(plan: dict[str, Any]) -> list[str]:
    """Every scan node under a plan node: its type and index (or table)."""
    found = []
    if "Scan" in plan["Node Type"]:
        found.append(
            f"{plan['Node Type']} on {plan.get('Index Name') or plan.get('Relation Name')}"
        )
    for child in plan.get("Plans", []):
        found.extend(scans(child))
    return found


async def plans(db: Db, call: Callable[[], Awaitable[None]]) -> list[str]:
    """EXPLAIN of every statement one call runs, with its own parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await call()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    conn = await asyncpg.connect(db.dsn)
    lines = []
    try:
        for statement, params in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            explain = f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}"
            raw = await conn.fetchval(explain, *(params or ()))
            top = json.loads(raw)[0]["Plan"]
            ms = top["Actual Total Time"]
            head = " ".join(filter(None, [top["Node Type"], top.get("Strategy")]))
            table = match.group(1) if (match := FROM.search(statement)) else "?"
            lines.append(f"  {table:<10} {ms:7.1f} ms  top: {head:<17} {', '.join(scans(top))}")
    finally:
        await conn.close()
    return lines


async def main(petitions: int, communities: int, runs: int) -> None:
    async with scratch_database("petitions") as db:
        started = time.perf_counter()
        root, towns, members = await seed(db, petitions, communities)
        seeded = time.perf_counter() - started
        scope = scope_of(root)
        now = datetime.now(UTC)
        rng = random.Random(7)

        async def board(_: int) -> None:
            async with unit_of_work(db.factory) as session:
                page = await board_page(session, community_id=rng.choice(members), limit=20)
            require(len(page.items) == 20, f"a board page had {len(page.items)} items")

        def dashboard(days: int) -> Callable[[int], Awaitable[None]]:
            async def call(i: int) -> None:
                town = towns[i % TOWNS][0]
                async with unit_of_work(db.factory) as session:
                    answer = await stats.dashboard(
                        session=session,
                        scope=scope,
                        unit_id=town,
                        start=now - timedelta(days=days),
                        end=now,
                        now=now,
                    )
                require(len(answer.communities) == communities // TOWNS, "a town's communities")
                require(answer.totals.total > 0, "an empty dashboard")

            return call

        board_ms = await timed(runs, board)
        month_ms = await timed(runs, dashboard(30))
        year_ms = await timed(runs, dashboard(365))
        board_plan = await plans(db, lambda: board(0))
        stats_plan = await plans(db, lambda: dashboard(365)(0))
    print(
        f"petitions {petitions} in {communities} communities of {TOWNS} towns "
        f"(seeded in {seeded:.1f} s)"
    )
    print(f"public board, first page (20)          {figures(board_ms)}")
    print(f"town dashboard, last 30 days           {figures(month_ms)}")
    print(f"town dashboard, last 365 days          {figures(year_ms)}")
    print("plans (EXPLAIN of each statement, dashboard over 365 days):")
    print("board:")
    print("\n".join(board_plan))
    print("dashboard:")
    print("\n".join(stats_plan))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.petitions, args.communities, args.runs))
