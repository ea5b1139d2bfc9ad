"""Identity's facts as notices keeps them: units by path and residents where they live."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import (
    HouseholdMemberJoined,
    HouseholdMemberLeft,
    ResidentGridChosen,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
    StaffRoleGranted,
)
from kit import directory as units
from kit.deps import StaffScope
from kit.events import ParsedEvent
from services.notices.directory.models import Resident, Unit


async def remember_path(session: AsyncSession, path: str, *, community: bool = False) -> None:
    await units.remember_path(session, Unit, path, community=community)


async def unit_path(session: AsyncSession, unit_id: uuid.UUID) -> str | None:
    return await units.path_of(session, Unit, unit_id)


async def covered_unit(session: AsyncSession, scope: StaffScope, unit_id: uuid.UUID) -> str:
    """The unit's path if the staff member's grants cover it; 404 otherwise (no leak)."""
    return await units.covered_path(session, Unit, scope, unit_id, detail="单位不存在或无权访问")


async def _upsert(session: AsyncSession, resident_id: str, **values: object) -> None:
    row = {"id": uuid.UUID(resident_id), **values}
    stmt = pg_insert(Resident).values(**row)
    set_ = {k: v for k, v in row.items() if k != "id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=set_))


async def on_registered(session: AsyncSession, event: ParsedEvent[ResidentRegistered]) -> None:
    data = event.data
    await remember_path(session, data.community_path, community=True)
    await _upsert(
        session,
        data.resident_id,
        community_id=uuid.UUID(data.community_id),
        community_path=data.community_path,
        name=data.name,
    )


async def on_verified(session: AsyncSession, event: ParsedEvent[ResidentVerified]) -> None:
    data = event.data
    await remember_path(session, data.community_path, community=True)
    await _upsert(
        session,
        data.resident_id,
        community_id=uuid.UUID(data.community_id),
        community_path=data.community_path,
        name=data.name,
        verified=True,
    )


async def on_moved(session: AsyncSession, event: ParsedEvent[ResidentMoved]) -> None:
    data = event.data
    await remember_path(session, data.to_community_path, community=True)
    await session.execute(
        update(Resident)
        .where(Resident.id == uuid.UUID(data.resident_id))
        .values(
            community_id=uuid.UUID(data.to_community_id),
            community_path=data.to_community_path,
            household_id=None,
            grid_id=None,
        )
    )


async def on_verification_revoked(
    session: AsyncSession, event: ParsedEvent[ResidentVerificationRevoked]
) -> None:
    await session.execute(
        update(Resident)
        .where(Resident.id == uuid.UUID(event.data.resident_id))
        .values(verified=False)
    )


async def on_grid_chosen(session: AsyncSession, event: ParsedEvent[ResidentGridChosen]) -> None:
    """The resident's grid, if it lies in the community they live in now (events of one
    resident arrive in order, so a later move has not happened yet when this applies)."""
    data = event.data
    await remember_path(session, data.grid_path)
    await session.execute(
        update(Resident)
        .where(
            Resident.id == uuid.UUID(data.resident_id),
            Resident.community_id == uuid.UUID(data.community_id),
        )
        .values(grid_id=uuid.UUID(data.grid_id))
    )


async def on_joined(session: AsyncSession, event: ParsedEvent[HouseholdMemberJoined]) -> None:
    data = event.data
    await session.execute(
        update(Resident)
        .where(Resident.id == uuid.UUID(data.resident_id))
        .values(household_id=uuid.UUID(data.household_id))
    )


async def on_left(session: AsyncSession, event: ParsedEvent[HouseholdMemberLeft]) -> None:
    data = event.data
    await session.execute(
        update(Resident)
        .where(
            Resident.id == uuid.UUID(data.resident_id),
            Resident.household_id == uuid.UUID(data.household_id),
        )
        .values(household_id=None)
    )


async def on_role_granted(session: AsyncSession, event: ParsedEvent[StaffRoleGranted]) -> None:
    """Staff grants name units (towns, grids) no resident event names."""
    await remember_path(session, event.data.unit_path)
