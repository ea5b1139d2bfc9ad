"""The roles a person holds now, as tokens, /me and access facts carry them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.org.models import OrgUnit
from services.identity.roles.models import StaffRole


async def role_claims(*, session: AsyncSession, person_id: uuid.UUID) -> list[dict[str, str]]:
    """Role, unit id and unit path of every unrevoked grant, ordered by unit path and role."""
    rows = await session.execute(
        select(StaffRole.role, OrgUnit.id, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == StaffRole.unit_id)
        .where(StaffRole.person_id == person_id, StaffRole.revoked_at.is_(None))
        .order_by(OrgUnit.path, StaffRole.role)
    )
    return [{"role": r, "unit_id": str(u), "unit_path": p} for r, u, p in rows]
