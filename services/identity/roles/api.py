"""Staff role grants: /api/identity/staff-roles."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.deps import CurrentPrincipal
from services.identity.deps import Now, Session
from services.identity.people.rules import mask_phone
from services.identity.roles import directory, service
from services.identity.roles.schemas import (
    StaffGrantOut,
    StaffGrantPage,
    StaffRoleIn,
    StaffRoleOut,
)

router = APIRouter(tags=["organisation"])


@router.post("/staff-roles", status_code=201)
async def grant_role(
    body: StaffRoleIn, principal: CurrentPrincipal, session: Session, now: Now
) -> StaffRoleOut:
    row = await service.grant(
        session=session,
        principal=principal,
        person_id=body.person_id,
        role=body.role,
        unit_id=body.unit_id,
        now=now,
    )
    return StaffRoleOut(id=row.id, person_id=row.person_id, role=row.role, unit_id=row.unit_id)


@router.delete("/staff-roles/{grant_id}", status_code=204)
async def revoke_role(
    grant_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> Response:
    await service.revoke(session=session, principal=principal, grant_id=grant_id, now=now)
    return Response(status_code=204)


@router.get("/staff-roles")
async def list_grants(
    principal: CurrentPrincipal,
    session: Session,
    unit_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> StaffGrantPage:
    """The active grants on the unit and the units below it, for its administrators."""
    rows, next_cursor = await directory.list_grants(
        session=session, principal=principal, unit_id=unit_id, cursor=cursor, limit=limit
    )
    items = [
        StaffGrantOut(
            id=g.id,
            person_id=g.person_id,
            role=g.role,
            unit_id=g.unit_id,
            person_name=p.name,
            phone=mask_phone(p.phone),
            unit_name=u.name,
            unit_path=u.path,
            granted_at=g.created_at,
            person_disabled=p.disabled_at is not None,
        )
        for g, p, u in rows
    ]
    return StaffGrantPage(items=items, next_cursor=next_cursor)
