"""Identity's facts as the mall keeps them: units by path and residents (with keyed hashes)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import (
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
)
from kit import directory as units
from kit.deps import StaffScope
from kit.errors import NotFound
from kit.events import ParsedEvent
from services.mall.directory.models import Resident, Unit


async def remember_path(session: AsyncSession, path: str, *, community: bool = False) -> None:
    await units.remember_path(session, Unit, path, community=community)


async def community_path(session: AsyncSession, community_id: uuid.UUID) -> str | None:
    return await units.path_of(session, Unit, community_id)


async def covered_community(
    session: AsyncSession, scope: StaffScope, community_id: uuid.UUID, *, field: str
) -> str:
    """The community's path if the staff member's grants cover it; 404 otherwise (no leak)."""
    detail = "社区不存在或无权访问"
    return await units.covered_path(session, Unit, scope, community_id, detail=detail, field=field)


async def resident_or_none(session: AsyncSession, resident_id: uuid.UUID) -> Resident | None:
    return await session.get(Resident, resident_id)


async def find_by_counter_check(
    session: AsyncSession, check: str, community_id: uuid.UUID
) -> Resident | None:
    """The resident of the community whose phone + ID tail hash to `check`."""
    found = await session.scalars(
        select(Resident).where(
            Resident.counter_check == check, Resident.community_id == community_id
        )
    )
    return found.first()


async def _upsert_resident(
    session: AsyncSession, resident_id: str, community_id: str, **values: object
) -> None:
    row = {"id": uuid.UUID(resident_id), "community_id": uuid.UUID(community_id), **values}
    stmt = pg_insert(Resident).values(**row)
    set_ = {k: v for k, v in row.items() if k != "id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=set_))


async def on_registered(session: AsyncSession, event: ParsedEvent[ResidentRegistered]) -> None:
    data = event.data
    await remember_path(session, data.community_path, community=True)
    await _upsert_resident(
        session, data.resident_id, data.community_id, name=data.name, phone_hash=data.phone_hash
    )


async def on_verified(session: AsyncSession, event: ParsedEvent[ResidentVerified]) -> None:
    data = event.data
    await remember_path(session, data.community_path, community=True)
    values: dict[str, object] = {"name": data.name, "verified": True}
    if data.counter_check is not None:
        values["counter_check"] = data.counter_check
    await _upsert_resident(session, data.resident_id, data.community_id, **values)


async def on_moved(session: AsyncSession, event: ParsedEvent[ResidentMoved]) -> None:
    data = event.data
    await remember_path(session, data.to_community_path, community=True)
    resident = await session.get(Resident, uuid.UUID(data.resident_id))
    if resident is not None:
        resident.community_id = uuid.UUID(data.to_community_id)


async def on_verification_revoked(
    session: AsyncSession, event: ParsedEvent[ResidentVerificationRevoked]
) -> None:
    resident = await session.get(Resident, uuid.UUID(event.data.resident_id))
    if resident is not None:
        resident.verified = False
        resident.counter_check = None


async def resident(session: AsyncSession, resident_id: uuid.UUID) -> Resident:
    found = await session.get(Resident, resident_id)
    if found is None:
        raise NotFound("居民不存在")
    return found
