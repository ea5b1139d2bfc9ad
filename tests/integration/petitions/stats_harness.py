"""Helpers for the deadlines and dashboard tests, on the conftest's petitions harness (a
petitions app in process with a movable clock, identity's real tokens).

The dashboard's known set needs petitions in given states at given times, so categories and
petitions are written straight into petitions' tables here; the deadlines tests drive the
real API instead. Read helpers return detached rows (plain values after the session).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from kit.auth import Principal, principal_from_claims
from kit.db import unit_of_work
from services.petitions.cases.models import Petition, TimelineEntry
from services.petitions.categories.models import Category
from services.petitions.deadlines import service as deadlines
from tests.integration.petitions.conftest import Person, PetitionsHarness, Unit


async def run_job(h: PetitionsHarness) -> dict[str, int]:
    """One run of the deadlines job at the harness clock's now (as the scheduler would)."""
    return await deadlines.run_deadlines(session_factory=h.session_factory, now=h.clock())


async def principal(h: PetitionsHarness, who: Person) -> Principal:
    """Who the bearer is, as petitions' own token check sees them."""
    token = who.headers["Authorization"].removeprefix("Bearer ")
    return principal_from_claims(await h.app.state.token_verifier.verify(token))


async def insert_category(
    h: PetitionsHarness, community: Unit, name: str, *, accept_hours: int = 24, days: int = 3
) -> Category:
    async with unit_of_work(h.session_factory) as session:
        category = Category(
            community_id=community.id,
            name=name,
            service_code=uuid.uuid4().hex[:8],
            accept_within_hours=accept_hours,
            resolve_within_days=days,
        )
        session.add(category)
        await session.commit()
        await session.refresh(category)
        session.expunge(category)
        return category


async def insert_petition(
    h: PetitionsHarness, community: Unit, category: Category, *, at: datetime, **values: Any
) -> uuid.UUID:
    """A petition raised at `at` (accept deadline from its category) in the given state."""
    row = {
        "community_id": community.id,
        "community_path": community.path,
        "category_id": category.id,
        "author_id": uuid.uuid4(),
        "author_name": "张三",
        "title": "路灯不亮",
        "content": "小区门口的路灯坏了一周",
        "visibility": "public",
        "created_at": at,
        "accept_due_at": at + timedelta(hours=category.accept_within_hours),
        **values,
    }
    async with unit_of_work(h.session_factory) as session:
        petition = Petition(**row)
        session.add(petition)
        await session.commit()
        return petition.id


async def petition(h: PetitionsHarness, petition_id: str | uuid.UUID) -> Petition:
    async with unit_of_work(h.session_factory) as session:
        found = await session.get(Petition, uuid.UUID(str(petition_id)))
        assert found is not None
        session.expunge(found)
        return found


async def timeline(h: PetitionsHarness, petition_id: str, kind: str) -> list[TimelineEntry]:
    async with unit_of_work(h.session_factory) as session:
        stmt = select(TimelineEntry).where(
            TimelineEntry.petition_id == uuid.UUID(petition_id), TimelineEntry.kind == kind
        )
        found = list((await session.scalars(stmt.order_by(TimelineEntry.seq))).all())
        session.expunge_all()
        return found


async def outbox(h: PetitionsHarness, petition_id: str, event: str) -> list[dict[str, Any]]:
    """The data of the petition's staged events of one type (`escalated`), oldest first."""
    rows = await h.db_val(
        "SELECT coalesce(json_agg(payload ORDER BY seq), '[]') FROM outbox "
        "WHERE aggregateid = $1 AND type = $2",
        petition_id,
        f"org.shanzhi.petitions.petition.{event}.v1",
    )
    return [e["data"] for e in json.loads(rows)]
