"""Points expiry on the real PostgreSQL: the date, the warning, oldest first, run once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kit.db import asyncpg_dsn, make_engine, make_session_factory, unit_of_work
from services.points.base import LOCAL
from services.points.expiry.service import run_expiry
from services.points.holds import service as holds
from services.points.ledger import double_entry as ledger
from services.points.ledger import service as postings
from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
from services.points.listing.models import CommunitySettings
from tests.integration import support


@pytest.fixture
async def db() -> AsyncIterator[support.Db]:
    """A fresh points database per test: the job sweeps every resident in it."""
    name = support.unique("expiry")
    url = await support.create_database(name)
    try:
        await support.migrate("points", url)
        engine = make_engine(url, pool_size=4)
        try:
            yield support.Db(name, url, asyncpg_dsn(url), engine, make_session_factory(engine))
        finally:
            await engine.dispose()
    finally:
        await support.drop_database(name)


def local(y: int, m: int, d: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=LOCAL)


class Resident:
    def __init__(self, db: support.Db, expiry_years: int | None) -> None:
        self.db = db
        self.id = uuid.uuid4()
        self.community = uuid.uuid4()
        self.expiry_years = expiry_years

    async def open(self) -> Resident:
        async with unit_of_work(self.db.factory) as session:
            await session.execute(
                pg_insert(CommunitySettings).values(
                    community_id=self.community, expiry_years=self.expiry_years
                )
            )
            await accounts.open_resident(
                session,
                resident_id=self.id,
                community_id=self.community,
                community_path=f"/{self.community}",
                name="测试",
                phone_hash=None,
            )
            await session.execute(
                update(Account).where(Account.resident_id == self.id).values(verified=True)
            )
            await session.commit()
        return self

    async def earn(self, points: int, at: datetime) -> uuid.UUID:
        async with unit_of_work(self.db.factory) as session:
            wallet = await accounts.lock_wallet(session, self.id)
            assert wallet is not None
            fact = ledger.Fact("test", uuid.uuid4().hex, "tester", "earned", at, "ITEM")
            posting = await postings.award(session, wallet=wallet, amount=points, fact=fact)
            await session.commit()
        assert posting is not None
        return posting

    async def spend(self, points: int, at: datetime) -> None:
        """A mall order held and picked up."""
        order = support.unique("o")
        async with unit_of_work(self.db.factory) as session:
            placed = await holds.place(
                session, order_id=order, resident_id=self.id, amount=points, at=at
            )
            assert placed.status == "placed"
            await holds.settle(session, order_id=order, at=at)
            await session.commit()

    async def hold(self, points: int, at: datetime) -> None:
        async with unit_of_work(self.db.factory) as session:
            placed = await holds.place(
                session, order_id=support.unique("o"), resident_id=self.id, amount=points, at=at
            )
            assert placed.status == "placed"
            await session.commit()

    async def reverse(self, posting: uuid.UUID, at: datetime) -> None:
        async with unit_of_work(self.db.factory) as session:
            await postings.reverse(
                session, posting_id=posting, actor="staff", reason="录入错误", fact_time=at
            )
            await session.commit()

    async def balance(self) -> int:
        value = await self.db.fetchval(
            "SELECT balance FROM accounts WHERE resident_id = $1", self.id
        )
        assert isinstance(value, int)
        return value

    async def events(self, short_type: str) -> list[dict[str, Any]]:
        conn = await asyncpg.connect(self.db.dsn)
        try:
            rows = await conn.fetch(
                "SELECT payload FROM outbox WHERE type = $1 AND aggregateid = $2 ORDER BY seq",
                f"org.shanzhi.points.{short_type}.v1",
                str(self.id),
            )
        finally:
            await conn.close()
        return [json.loads(r["payload"])["data"] for r in rows]


async def expire(db: support.Db, now: datetime) -> dict[str, int]:
    return await run_expiry(session_factory=db.factory, now=now)


async def test_points_earned_in_2024_expire_at_the_end_of_2025(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    await who.earn(50, local(2025, 3, 1))

    await expire(db, local(2025, 12, 31, 23, 59))
    assert await who.balance() == 150
    assert await who.events("expired") == []

    result = await expire(db, local(2026, 1, 1, 0, 5))
    assert result["expired"] == 1 and result["points_expired"] == 100
    assert await who.balance() == 50
    [event] = await who.events("expired")
    assert (event["points"], event["expired_on"]) == (100, "2025-12-31")
    assert event["community_id"] == str(who.community)
    pool = await db.fetchval(
        "SELECT coalesce(sum(e.amount), 0) FROM entries e"
        " JOIN accounts a ON a.id = e.account_id WHERE a.kind = 'expiry'"
    )
    assert pool == 100


async def test_warning_is_emitted_once_30_days_before_the_date(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    await who.earn(40, local(2025, 6, 1))  # expires a year later: not in this warning

    await expire(db, local(2025, 11, 30, 23))
    assert await who.events("expiring_soon") == []
    for day in (1, 2, 15):
        await expire(db, local(2025, 12, day))
    [warning] = await who.events("expiring_soon")
    assert (warning["points"], warning["expires_on"]) == (100, "2025-12-31")
    assert await who.balance() == 140


async def test_spending_consumes_the_oldest_points_first(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    await who.earn(50, local(2025, 2, 1))
    await who.spend(60, local(2025, 5, 1))  # takes 60 of 2024's 100

    await expire(db, local(2025, 12, 1))
    [warning] = await who.events("expiring_soon")
    assert warning["points"] == 40
    await expire(db, local(2026, 1, 1, 8))
    assert await who.balance() == 50
    [expired] = await who.events("expired")
    assert expired["points"] == 40

    await expire(db, local(2027, 1, 1, 8))  # 2025's points, untouched, go a year later
    assert await who.balance() == 0
    assert [e["points"] for e in await who.events("expired")] == [40, 50]


async def test_reversed_earnings_do_not_expire(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    mistake = await who.earn(30, local(2024, 7, 1))
    await who.reverse(mistake, local(2025, 2, 1))
    await who.earn(20, local(2025, 3, 1))

    await expire(db, local(2026, 1, 1, 8))
    [expired] = await who.events("expired")
    assert expired["points"] == 100
    assert await who.balance() == 20


async def test_job_run_twice_expires_and_warns_once(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    await who.earn(10, local(2025, 6, 1))

    first = await expire(db, local(2026, 1, 1, 8))
    second = await expire(db, local(2026, 1, 1, 8))
    later = await expire(db, local(2026, 1, 20))
    assert first["expired"] == 1
    assert second["expired"] == later["expired"] == 0
    assert len(await who.events("expired")) == 1
    assert await who.balance() == 10
    postings_made = await db.fetchval(
        "SELECT count(*) FROM postings WHERE kind = 'expiry' AND resident_id = $1", who.id
    )
    assert postings_made == 1

    for _ in range(2):
        await expire(db, local(2026, 12, 5))
    assert len(await who.events("expiring_soon")) == 1


async def test_replicas_running_at_once_expire_each_resident_once(db):
    residents = [await Resident(db, expiry_years=1).open() for _ in range(5)]
    for who in residents:
        await who.earn(100, local(2024, 6, 1))

    results = await asyncio.gather(*(expire(db, local(2026, 1, 2)) for _ in range(3)))

    assert sum(r["expired"] for r in results) == 5
    for who in residents:
        assert await who.balance() == 0
        assert len(await who.events("expired")) == 1


async def test_points_held_for_an_order_at_the_date_are_spared(db):
    who = await Resident(db, expiry_years=1).open()
    await who.earn(100, local(2024, 6, 1))
    await who.earn(20, local(2025, 6, 1))
    await who.hold(90, local(2025, 12, 20))

    await expire(db, local(2026, 1, 1, 8))
    [expired] = await who.events("expired")
    assert expired["points"] == 30  # all that was available; the 90 held are an order's
    assert await who.balance() == 90


async def test_community_without_an_expiry_policy_keeps_points(db):
    who = await Resident(db, expiry_years=None).open()
    await who.earn(100, local(2020, 6, 1))
    result = await expire(db, local(2026, 1, 1, 8))
    assert result == {"warned": 0, "expired": 0, "points_expired": 0, "skipped": 0}
    assert await who.balance() == 100


async def test_the_local_calendar_decides_the_year_earned(db):
    who = await Resident(db, expiry_years=1).open()
    # 2024-12-31 20:00 UTC is already 2025-01-01 in Asia/Shanghai: earned in 2025.
    await who.earn(100, datetime(2024, 12, 31, 20, tzinfo=UTC))
    await expire(db, local(2026, 1, 1, 8))
    assert await who.events("expired") == []
    assert await who.balance() == 100
