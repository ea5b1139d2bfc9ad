"""The grants directory (roles' second service module): active grants within a unit."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.identity.org.models import OrgUnit
from services.identity.org.service import under
from services.identity.people.models import Person
from services.identity.roles.models import StaffRole
from services.identity.roles.rules import GRANT_LISTERS

GrantRow = tuple[StaffRole, Person, OrgUnit]


async def list_grants(
    *,
    session: AsyncSession,
    principal: Principal,
    unit_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> tuple[list[GrantRow], str | None]:
    """Oldest grant first on the unit and below it; a unit the caller does not administer is
    answered like one that does not exist."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not principal.can_act_on(unit.path, *GRANT_LISTERS):
        raise NotFound("组织单位不存在", field="unit_id")
    query = (
        select(StaffRole, Person, OrgUnit)
        .join(Person, Person.id == StaffRole.person_id)
        .join(OrgUnit, OrgUnit.id == StaffRole.unit_id)
        .where(under(unit.path), StaffRole.revoked_at.is_(None))  # type: ignore[arg-type]
    )
    if cursor:
        query = query.where(tuple_(StaffRole.created_at, StaffRole.id) > decode_cursor(cursor))
    order = (StaffRole.created_at, StaffRole.id)
    rows = [(g, p, u) for g, p, u in await session.execute(query.order_by(*order).limit(limit + 1))]
    return keyset_page(rows, limit, lambda r: (r[0].created_at, r[0].id))
