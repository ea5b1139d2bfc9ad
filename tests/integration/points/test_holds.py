"""Holds for the mall saga on the real PostgreSQL (and once through Kafka): place, settle,
release, refusals, redelivery, and 50 racing holds on one wallet."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from contracts.mall import OrderCancelled, OrderExpired, OrderFulfilled, OrderPlaced
from kit.consumer import ConsumerRunner
from kit.db import asyncpg_dsn, make_engine, make_session_factory, unit_of_work
from kit.events import ParsedEvent, new_event, serialize
from services.points import consumers
from services.points.holds import saga
from services.points.ledger import double_entry as ledger
from services.points.ledger import service as postings
from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
from services.points.listing.models import CommunitySettings
from tests.integration import support

AT = datetime(2026, 11, 28, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
async def db() -> AsyncIterator[support.Db]:
    name = support.unique("holds")
    url = await support.create_database(name)
    try:
        await support.migrate("points", url)
        engine = make_engine(url, pool_size=25)  # 50 connections with the overflow
        try:
            yield support.Db(name, url, asyncpg_dsn(url), engine, make_session_factory(engine))
        finally:
            await engine.dispose()
    finally:
        await support.drop_database(name)


class Resident:
    def __init__(self, resident_id: uuid.UUID, community_id: uuid.UUID) -> None:
        self.id = resident_id
        self.community = community_id

    def order(self, price: int, order_id: str | None = None) -> OrderPlaced:
        return OrderPlaced(
            order_id=order_id or support.unique("o"),
            resident_id=str(self.id),
            community_id=str(self.community),
            total_points=price,
            placed_at=AT,
        )


async def resident(
    db: support.Db,
    *,
    points: int = 0,
    verified: bool = True,
    verified_only_spend: bool | None = None,
) -> Resident:
    """A resident of a fresh community, given `points` by an award."""
    who = Resident(uuid.uuid4(), uuid.uuid4())
    async with unit_of_work(db.factory) as session:
        if verified_only_spend is not None:
            await session.execute(
                pg_insert(CommunitySettings).values(
                    community_id=who.community, verified_only_spend=verified_only_spend
                )
            )
        await accounts.open_resident(
            session,
            resident_id=who.id,
            community_id=who.community,
            community_path=f"/{who.community}",
            name="测试",
            phone_hash=None,
        )
        await session.execute(
            update(Account).where(Account.resident_id == who.id).values(verified=verified)
        )
        if points:
            wallet = await accounts.lock_wallet(session, who.id)
            assert wallet is not None
            fact = ledger.Fact("test", uuid.uuid4().hex, "tester", "seed", AT, "ITEM")
            await postings.award(session, wallet=wallet, amount=points, fact=fact)
        await session.commit()
    return who


async def deliver(db: support.Db, data: saga.OrderEvent) -> None:
    """One delivery of an order event (a fresh CloudEvent id each time) to the saga."""
    envelope = new_event(data, source="/services/mall", subject=data.order_id)
    async with unit_of_work(db.factory) as session:
        await consumers.HANDLERS[data.event_type](
            session, ParsedEvent(envelope=envelope, data=data)
        )
        await session.commit()


def fulfilled(order: OrderPlaced) -> OrderFulfilled:
    return OrderFulfilled(**_ids(order), fulfilled_at=AT)


def cancelled(order: OrderPlaced) -> OrderCancelled:
    return OrderCancelled(**_ids(order), cancelled_at=AT)


def expired(order: OrderPlaced) -> OrderExpired:
    return OrderExpired(**_ids(order), expired_at=AT)


def _ids(order: OrderPlaced) -> dict[str, Any]:
    return order.model_dump(include={"order_id", "resident_id", "community_id"})


async def wallet_state(db: support.Db, who: Resident) -> tuple[int, int]:
    """(balance, held), after checking both against the entries and the placed holds."""
    conn = await asyncpg.connect(db.dsn)
    try:
        row = await conn.fetchrow(
            """SELECT a.balance, a.held,
                      (SELECT coalesce(sum(amount), 0) FROM entries WHERE account_id = a.id)
                        AS entries,
                      (SELECT coalesce(sum(amount), 0) FROM holds
                        WHERE resident_id = a.resident_id AND status = 'placed') AS placed
               FROM accounts a WHERE a.resident_id = $1""",
            who.id,
        )
    finally:
        await conn.close()
    assert row["balance"] == row["entries"]
    assert row["held"] == row["placed"]
    return row["balance"], row["held"]


async def answers(db: support.Db, order_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The points events staged in the outbox for an order: (short type, data)."""
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = await conn.fetch(
            """SELECT type, payload FROM outbox
               WHERE payload->'data'->>'order_id' = $1 ORDER BY seq""",
            order_id,
        )
    finally:
        await conn.close()
    return [(r["type"].split(".")[-2], json.loads(r["payload"])["data"]) for r in rows]


async def hold_status(db: support.Db, order_id: str) -> tuple[str, str | None] | None:
    conn = await asyncpg.connect(db.dsn)
    try:
        row = await conn.fetchrow("SELECT status, reason FROM holds WHERE order_id = $1", order_id)
    finally:
        await conn.close()
    return None if row is None else (row["status"], row["reason"])


async def mall_clearing(db: support.Db) -> int:
    value = await db.fetchval(
        "SELECT coalesce(sum(e.amount), 0)::bigint FROM entries e"
        " JOIN accounts a ON a.id = e.account_id WHERE a.kind = 'mall_clearing'"
    )
    assert isinstance(value, int)
    return value


# --- concurrency -----------------------------------------------------------------------------


async def test_fifty_concurrent_holds_on_points_for_ten_place_exactly_ten(db):
    who = await resident(db, points=100)
    orders = [who.order(10) for _ in range(50)]

    async def place(order: OrderPlaced) -> str:
        async with unit_of_work(db.factory) as session:
            outcome = await saga.place_for_order(session, order)
            await session.commit()
        return outcome.reason or outcome.status

    results = await asyncio.gather(*(place(o) for o in orders))

    assert Counter(results) == {"placed": 10, "insufficient": 40}
    assert await wallet_state(db, who) == (100, 100)
    statuses = Counter([await hold_status(db, o.order_id) for o in orders])
    assert statuses == {("placed", None): 10, ("rejected", "insufficient"): 40}
    staged = Counter([kind for o in orders for kind, _ in await answers(db, o.order_id)])
    assert staged == {"hold_placed": 10, "hold_rejected": 40}


# --- the saga's steps ------------------------------------------------------------------------


async def test_placed_order_holds_its_price_and_answers_hold_placed(db):
    who = await resident(db, points=100)
    order = who.order(30)
    await deliver(db, order)
    assert await wallet_state(db, who) == (100, 30)
    [(kind, data)] = await answers(db, order.order_id)
    assert kind == "hold_placed"
    assert data == {
        "order_id": order.order_id,
        "resident_id": str(who.id),
        "community_id": str(who.community),
        "points": 30,
    }


async def test_fulfilled_order_settles_held_points_into_mall_clearing(db):
    who = await resident(db, points=100)
    order = who.order(30)
    await deliver(db, order)
    clearing_before = await mall_clearing(db)
    await deliver(db, fulfilled(order))
    assert await wallet_state(db, who) == (70, 0)
    assert await mall_clearing(db) == clearing_before + 30
    assert await hold_status(db, order.order_id) == ("settled", None)
    assert [k for k, _ in await answers(db, order.order_id)] == ["hold_placed", "hold_settled"]


@pytest.mark.parametrize("end", [cancelled, expired])
async def test_cancelled_or_expired_order_returns_held_points(db, end):
    who = await resident(db, points=100)
    order = who.order(30)
    await deliver(db, order)
    await deliver(db, end(order))
    assert await wallet_state(db, who) == (100, 0)
    assert await hold_status(db, order.order_id) == ("released", None)
    staged = await answers(db, order.order_id)
    assert [k for k, _ in staged] == ["hold_placed", "hold_released"]
    assert staged[1][1]["points"] == 30


async def test_redelivered_order_events_hold_once_and_only_repeat_the_open_answer(db):
    who = await resident(db, points=100)
    order = who.order(40)
    for _ in range(3):
        await deliver(db, order)  # mall's sweeper asking again: the answer, not a second hold
    assert await wallet_state(db, who) == (100, 40)
    assert [k for k, _ in await answers(db, order.order_id)] == ["hold_placed"] * 3
    clearing_before = await mall_clearing(db)
    for _ in range(3):
        await deliver(db, fulfilled(order))
    await deliver(db, cancelled(order))
    await deliver(db, order)  # settled: nothing left to announce
    assert await wallet_state(db, who) == (60, 0)
    assert await mall_clearing(db) == clearing_before + 40
    kinds = [k for k, _ in await answers(db, order.order_id)]
    assert kinds == ["hold_placed"] * 3 + ["hold_settled"]


async def test_repeated_placement_of_a_rejected_order_repeats_the_refusal(db):
    who = await resident(db, points=10)
    order = who.order(30)
    await deliver(db, order)
    await deliver(db, order)
    assert await wallet_state(db, who) == (10, 0)
    answered = await answers(db, order.order_id)
    assert [(k, d["reason"]) for k, d in answered] == [("hold_rejected", "insufficient")] * 2


async def test_redelivered_cancellation_releases_once(db):
    who = await resident(db, points=100)
    order = who.order(40)
    await deliver(db, order)
    for _ in range(3):
        await deliver(db, cancelled(order))
    await deliver(db, expired(order))
    await deliver(db, fulfilled(order))
    assert await wallet_state(db, who) == (100, 0)
    assert [k for k, _ in await answers(db, order.order_id)] == ["hold_placed", "hold_released"]


# --- refusals --------------------------------------------------------------------------------


async def test_order_beyond_available_points_is_rejected_insufficient(db):
    who = await resident(db, points=50)
    await deliver(db, who.order(30))
    order = who.order(30)
    await deliver(db, order)
    assert await wallet_state(db, who) == (50, 30)
    [(kind, data)] = await answers(db, order.order_id)
    assert (kind, data["reason"], data["points"]) == ("hold_rejected", "insufficient", 30)


async def test_unverified_resident_is_rejected_where_the_community_requires_verification(db):
    who = await resident(db, points=100, verified=False)  # no settings row: the default applies
    order = who.order(10)
    await deliver(db, order)
    assert await wallet_state(db, who) == (100, 0)
    [(kind, data)] = await answers(db, order.order_id)
    assert (kind, data["reason"]) == ("hold_rejected", "unverified")


async def test_unverified_resident_may_spend_where_the_community_allows_it(db):
    who = await resident(db, points=100, verified=False, verified_only_spend=False)
    order = who.order(10)
    await deliver(db, order)
    assert await wallet_state(db, who) == (100, 10)
    assert [k for k, _ in await answers(db, order.order_id)] == ["hold_placed"]


# A fixed id nobody holds: test ids must be the same in every process (pytest-xdist collects twice).
NOBODY = "5b5457e0-2ab8-4967-beb0-f5eebe67130d"


@pytest.mark.parametrize("resident_id", [NOBODY, "not-a-resident-id"])
async def test_order_of_an_unknown_resident_is_rejected_unknown_resident(db, resident_id):
    community = str(uuid.uuid4())
    order = OrderPlaced(
        order_id=support.unique("o"),
        resident_id=resident_id,
        community_id=community,
        total_points=10,
        placed_at=AT,
    )
    await deliver(db, order)
    assert await hold_status(db, order.order_id) == ("rejected", "unknown_resident")
    [(kind, data)] = await answers(db, order.order_id)
    assert kind == "hold_rejected"
    assert data == {
        "order_id": order.order_id,
        "resident_id": resident_id,
        "community_id": community,
        "points": 10,
        "reason": "unknown_resident",
    }


async def test_fulfilled_order_whose_hold_was_rejected_settles_nothing(db):
    who = await resident(db, points=5)
    order = who.order(10)
    await deliver(db, order)
    clearing_before = await mall_clearing(db)
    await deliver(db, fulfilled(order))
    await deliver(db, fulfilled(who.order(10)))  # an order points never saw
    assert await wallet_state(db, who) == (5, 0)
    assert await mall_clearing(db) == clearing_before
    assert [k for k, _ in await answers(db, order.order_id)] == ["hold_rejected"]


async def test_cancellation_that_overtakes_its_placement_leaves_nothing_held(db):
    who = await resident(db, points=100)
    order = who.order(10)
    await deliver(db, cancelled(order))
    await deliver(db, order)
    assert await wallet_state(db, who) == (100, 0)
    assert await answers(db, order.order_id) == []


# --- through Kafka ---------------------------------------------------------------------------


async def test_order_events_through_kafka_hold_once_and_stage_the_answers(db, kafka, topic):
    who = await resident(db, points=100)
    order = who.order(25)
    placed = [new_event(order, source="/services/mall", subject=order.order_id) for _ in range(2)]
    done = new_event(fulfilled(order), source="/services/mall", subject=order.order_id)
    stream = [serialize(e) for e in [*placed, done]]
    await support.produce(kafka, topic, stream, keys=[order.order_id.encode()] * len(stream))
    runner = ConsumerRunner(
        consumer_name=support.unique("points"),
        topics=[topic],
        handlers=consumers.HANDLERS,
        session_factory=db.factory,
        bootstrap_servers=kafka,
    )

    async def settled() -> bool:
        return await hold_status(db, order.order_id) == ("settled", None)

    async with support.running(runner):
        assert await support.eventually(settled, timeout=30)
    assert await wallet_state(db, who) == (75, 0)
    kinds = [k for k, _ in await answers(db, order.order_id)]
    assert kinds == ["hold_placed", "hold_placed", "hold_settled"]
    applied = await db.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1", runner.name)
    assert applied == 3
