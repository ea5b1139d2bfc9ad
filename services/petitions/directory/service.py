"""Identity's facts as petitions keeps them: units by path, residents, staff grants."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import (
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
    StaffRoleGranted,
    StaffRoleRevoked,
)
from kit import directory as units
from kit.deps import StaffScope
from kit.errors import NotFound
from kit.events import ParsedEvent
from kit.paths import within
from services.petitions.directory.models import Resident, StaffGrant, Unit
from services.petitions.directory.rules import related


async def remember_path(session: AsyncSession, path: str, *, community: bool = False) -> None:
    await units.remember_path(session, Unit, path, community=community)


async def community_path(session: AsyncSession, community_id: uuid.UUID) -> str | None:
    return await units.path_of(session, Unit, community_id)


async def covered_community(
    session: AsyncSession, scope: StaffScope, community_id: uuid.UUID
) -> str:
    """The community's path if the staff member's grants cover it; 404 otherwise (no leak)."""
    return await units.covered_path(
        session, Unit, scope, community_id, detail="社区不存在或无权访问"
    )


async def is_staff_of(session: AsyncSession, person_id: uuid.UUID, community_path: str) -> bool:
    """True if the person holds a staff role on the community, above it or inside it."""
    grants = await session.scalars(select(StaffGrant).where(StaffGrant.person_id == person_id))
    return any(related(g.unit_path, community_path) for g in grants)


async def unit_in(session: AsyncSession, unit_id: uuid.UUID, community_path: str) -> bool:
    """True if the unit is the community or lies inside it (a grid)."""
    unit = await session.get(Unit, unit_id)
    return unit is not None and within(unit.path, community_path)


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
    await _upsert_resident(session, data.resident_id, data.community_id, name=data.name)


async def on_verified(session: AsyncSession, event: ParsedEvent[ResidentVerified]) -> None:
    data = event.data
    await remember_path(session, data.community_path, community=True)
    await _upsert_resident(
        session, data.resident_id, data.community_id, name=data.name, verified=True
    )


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


async def on_role_granted(session: AsyncSession, event: ParsedEvent[StaffRoleGranted]) -> None:
    data = event.data
    await remember_path(session, data.unit_path)
    stmt = pg_insert(StaffGrant).values(
        person_id=uuid.UUID(data.person_id),
        role=data.role,
        unit_id=uuid.UUID(data.unit_id),
        unit_path=data.unit_path,
    )
    await session.execute(stmt.on_conflict_do_nothing())


async def on_role_revoked(session: AsyncSession, event: ParsedEvent[StaffRoleRevoked]) -> None:
    data = event.data
    await session.execute(
        delete(StaffGrant).where(
            StaffGrant.person_id == uuid.UUID(data.person_id),
            StaffGrant.role == data.role,
            StaffGrant.unit_id == uuid.UUID(data.unit_id),
        )
    )


async def resident(session: AsyncSession, resident_id: uuid.UUID) -> Resident:
    found = await session.get(Resident, resident_id)
    if found is None:
        raise NotFound("居民不存在")
    return found


async def resident_or_none(session: AsyncSession, resident_id: uuid.UUID) -> Resident | None:
    return await session.get(Resident, resident_id)
