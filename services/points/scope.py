"""Which communities a staff member may act on, from paths learnt through identity's events."""

from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import NotFound
from services.points.models import CommunitySettings


async def remember_community(session: AsyncSession, community_id: uuid.UUID, path: str) -> None:
    stmt = pg_insert(CommunitySettings).values(community_id=community_id, path=path)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["community_id"], set_={"path": path})
    )


async def settings_of(session: AsyncSession, community_id: uuid.UUID) -> CommunitySettings:
    """The community's settings row (defaults when points has not heard of it yet)."""
    row = await session.get(CommunitySettings, community_id)
    return row or CommunitySettings(
        community_id=community_id, path=None, publicity_days=3, verified_only_spend=True
    )


async def ensure_staff_for(
    session: AsyncSession, scope: StaffScope, community_id: uuid.UUID
) -> CommunitySettings:
    """404 unless the staff member's grants cover the community (nothing leaks either way)."""
    community = await settings_of(session, community_id)
    path = community.path or _guess_path(scope, community_id)
    if path is None or not scope.covers(path):
        raise NotFound("社区不存在或无权访问")
    return community


def _guess_path(scope: StaffScope, community_id: uuid.UUID) -> str | None:
    """Before any event named the community, a grant on the community itself still counts."""
    suffix = f"/{community_id}"
    return next((g.unit_path for g in scope.principal.roles if g.unit_path.endswith(suffix)), None)
