"""A community's points policy: /api/points/communities/{id}/settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kit.deps import StaffScope, staff
from services.points.deps import Session
from services.points.models import CommunitySettings
from services.points.schemas import CommunitySettingsIn, CommunitySettingsOut
from services.points.scope import ensure_staff_for, settings_of

router = APIRouter(tags=["community settings"])
Admin = Annotated[StaffScope, Depends(staff("district_admin", "community_admin"))]


def _out(row: CommunitySettings) -> CommunitySettingsOut:
    return CommunitySettingsOut(
        community_id=row.community_id,
        publicity_days=row.publicity_days,
        verified_only_spend=row.verified_only_spend,
        expiry_years=row.expiry_years,
    )


@router.get("/communities/{community_id}/settings")
async def read_settings(community_id: uuid.UUID, session: Session) -> CommunitySettingsOut:
    """Public: residents may see how long notices run and whether points expire."""
    return _out(await settings_of(session, community_id))


@router.put("/communities/{community_id}/settings")
async def write_settings(
    community_id: uuid.UUID, body: CommunitySettingsIn, scope: Admin, session: Session
) -> CommunitySettingsOut:
    await ensure_staff_for(session, scope, community_id)
    values = body.model_dump()
    stmt = pg_insert(CommunitySettings).values(community_id=community_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["community_id"], set_=values))
    await session.commit()
    return _out(await settings_of(session, community_id))
