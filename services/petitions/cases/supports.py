"""Supports (附议): a resident of the community backs a public petition once, and may withdraw.

The count moves only with a row inserted or deleted in the same statement's transaction, so
concurrent requests of one resident count once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, NotFound
from services.petitions.cases.models import Petition, Support
from services.petitions.cases.rules import SUPPORTABLE_STATES
from services.petitions.cases.schemas import SupportOut

NOT_FOUND = "诉求不存在或未公开"


async def _supportable(
    session: AsyncSession, principal: Principal, petition_id: uuid.UUID
) -> Petition:
    petition = await session.get(Petition, petition_id)
    if (
        petition is None
        or petition.visibility != "public"
        or principal.community_id != str(petition.community_id)
        or petition.status in ("submitted", "rejected", "cancelled")
    ):
        raise NotFound(NOT_FOUND)
    if str(petition.author_id) == principal.sub:
        raise Conflict("不能附议自己提出的诉求", field="petition_id")
    return petition


async def support(
    *, session: AsyncSession, principal: Principal, petition_id: uuid.UUID, now: datetime
) -> SupportOut:
    petition = await _supportable(session, principal, petition_id)
    if petition.status not in SUPPORTABLE_STATES:
        raise Conflict("该诉求已办结，不能再附议", field="status", current=petition.status)
    inserted = await session.scalar(
        pg_insert(Support)
        .values(petition_id=petition_id, resident_id=uuid.UUID(principal.sub), created_at=now)
        .on_conflict_do_nothing()
        .returning(Support.resident_id)
    )
    return await _count(session, petition_id, 1 if inserted is not None else 0, supported=True)


async def withdraw(
    *, session: AsyncSession, principal: Principal, petition_id: uuid.UUID
) -> SupportOut:
    await _supportable(session, principal, petition_id)
    deleted = await session.scalar(
        delete(Support)
        .where(Support.petition_id == petition_id, Support.resident_id == uuid.UUID(principal.sub))
        .returning(Support.resident_id)
    )
    return await _count(session, petition_id, -1 if deleted is not None else 0, supported=False)


async def _count(
    session: AsyncSession, petition_id: uuid.UUID, delta: int, *, supported: bool
) -> SupportOut:
    count = await session.scalar(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(supports_count=Petition.supports_count + delta)
        .returning(Petition.supports_count)
    )
    return SupportOut(petition_id=petition_id, supported=supported, supports_count=int(count or 0))
