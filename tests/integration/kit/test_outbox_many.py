"""Staging many events at once (`add_data`) stores what `add_event` stores; a metric observed
only once the staging transaction commits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from prometheus_client import CollectorRegistry, Histogram
from sqlalchemy import text

from kit.db import unit_of_work
from kit.events import TRACEPARENT, new_event
from kit.metrics import observe_after_commit
from kit.outbox import Staged, add_data, add_event
from tests.integration import support
from tests.integration.conftest import Db

ROWS = "SELECT aggregatetype, aggregateid, type, topic, payload FROM outbox ORDER BY seq"
# What differs between two events of the same data: their id, time and trace.
OWN = ("id", "time", "traceparent")


async def staged(db: Db) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = [dict(r) for r in await conn.fetch(ROWS)]
    finally:
        await conn.close()
    for row in rows:
        payload = json.loads(row["payload"])
        row["payload"] = {k: v for k, v in payload.items() if k not in OWN}
        row["own"] = [k for k in OWN if k in payload]
    return rows


async def staged_payloads(db: Db) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(db.dsn)
    try:
        rows = await conn.fetch("SELECT payload::text AS payload FROM outbox ORDER BY seq")
    finally:
        await conn.close()
    return [{"payload": json.loads(r["payload"])} for r in rows]


async def test_add_data_stores_what_add_event_stores(db: Db, topic: str) -> None:
    registry, model = support.counted_contract(topic)
    data = [model(n=n, amount=n * 10, key=f"s{n}") for n in range(3)]  # type: ignore[call-arg]
    subjects = [f"s{n}" for n in range(3)]
    async with unit_of_work(db.factory) as session:
        for d, s in zip(data, subjects, strict=True):
            await add_event(session, new_event(d, source="/t", subject=s), registry)
        await add_data(
            session, list(zip(data, subjects, strict=True)), source="/t", registry=registry
        )
        await session.commit()
    rows = await staged(db)
    one, built = rows[:3], rows[3:]
    assert one == built
    assert one[0]["own"] == list(OWN)
    assert one[2]["payload"]["data"] == {"n": 2, "amount": 20, "key": "s2"}


async def test_add_data_refuses_a_model_the_registry_does_not_hold(db: Db, topic: str) -> None:
    registry, _ = support.counted_contract(topic)
    _, stranger = support.counted_contract(support.unique("other"))
    async with unit_of_work(db.factory) as session:
        with pytest.raises(TypeError):
            lost = stranger(n=1, amount=1, key="s")  # type: ignore[call-arg]
            await add_data(session, [(lost, "s")], source="/t", registry=registry)
    assert await db.fetchval("SELECT count(*) FROM outbox") == 0


async def test_add_data_stamps_an_item_with_the_trace_it_continues(db: Db, topic: str) -> None:
    registry, model = support.counted_contract(topic)
    continued = f"00-{'ab' * 16}-{'cd' * 8}-01"
    items: list[Staged] = [
        (model(n=1, amount=1, key="s1"), "s1", continued),  # type: ignore[call-arg]
        (model(n=2, amount=2, key="s2"), "s2"),  # type: ignore[call-arg]
    ]
    async with unit_of_work(db.factory) as session:
        await add_data(session, items, source="/t", registry=registry)
        await session.commit()
    payloads = [row["payload"] for row in await staged_payloads(db)]
    assert payloads[0]["traceparent"] == continued
    assert TRACEPARENT.match(payloads[1]["traceparent"]) and payloads[1]["traceparent"] != continued


async def test_a_latency_is_observed_when_the_transaction_commits_never_on_rollback(db: Db) -> None:
    registry = CollectorRegistry()
    histogram = Histogram("t_latency_seconds", "test", registry=registry)
    ago = datetime.now(UTC) - timedelta(seconds=3)

    def observed(sample: str = "count") -> float:
        return registry.get_sample_value(f"t_latency_seconds_{sample}") or 0.0

    async with unit_of_work(db.factory) as session:
        await session.execute(text("SELECT 1"))
        observe_after_commit(session, histogram, [ago])  # rolled back: never observed
    async with unit_of_work(db.factory) as session:
        await session.execute(text("SELECT 1"))
        observe_after_commit(session, histogram, [ago, ago])
        assert observed() == 0
        await session.commit()
    assert observed() == 2
    assert observed("sum") >= 6  # 3 s each
