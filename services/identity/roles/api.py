"""Staff role grants: /api/identity/staff-roles."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from kit.deps import CurrentPrincipal
from services.identity.deps import Now, Session
from services.identity.roles import service
from services.identity.roles.schemas import StaffRoleIn, StaffRoleOut

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
