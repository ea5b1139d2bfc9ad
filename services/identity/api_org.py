"""The org tree and staff role grants: /api/identity/org-units, /api/identity/staff-roles."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from kit.deps import CurrentPrincipal
from services.identity import keys, org, roles
from services.identity.deps import Context, DistrictAdmin, Now, Session
from services.identity.schemas import (
    OrgUnitIn,
    OrgUnitOut,
    OrgUnitUpdate,
    StaffRoleIn,
    StaffRoleOut,
    UnitKind,
)

router = APIRouter(tags=["organisation"])


@router.get("/org-units")
async def list_units(
    session: Session, parent_id: uuid.UUID | None = None, kind: UnitKind | None = None
) -> list[OrgUnitOut]:
    """Public: the registration screen lists communities to choose from."""
    units = await org.list_units(session=session, parent_id=parent_id, kind=kind)
    return [OrgUnitOut.model_validate(u) for u in units]


@router.get("/org-units/{unit_id}")
async def get_unit(unit_id: uuid.UUID, session: Session) -> OrgUnitOut:
    return OrgUnitOut.model_validate(await org.get_unit(session=session, unit_id=unit_id))


@router.post("/org-units", status_code=201)
async def create_unit(body: OrgUnitIn, principal: CurrentPrincipal, session: Session) -> OrgUnitOut:
    unit = await org.create_unit(
        session=session,
        principal=principal,
        kind=body.kind,
        code=body.code,
        name=body.name,
        parent_id=body.parent_id,
    )
    await session.commit()
    return OrgUnitOut.model_validate(unit)


@router.patch("/org-units/{unit_id}")
async def update_unit(
    unit_id: uuid.UUID, body: OrgUnitUpdate, principal: CurrentPrincipal, session: Session
) -> OrgUnitOut:
    unit = await org.update_unit(
        session=session, principal=principal, unit_id=unit_id, code=body.code, name=body.name
    )
    await session.commit()
    return OrgUnitOut.model_validate(unit)


@router.post("/keys/rotate", status_code=201)
async def rotate_signing_key(
    _: DistrictAdmin, session: Session, ctx: Context, now: Now
) -> dict[str, str]:
    """Publish a new signing key; it signs after the activation delay, the old one retires."""
    kid = await keys.rotate(session=session, vault=ctx.vault, now=now)
    await session.commit()
    return {"kid": kid}


@router.post("/staff-roles", status_code=201)
async def grant_role(
    body: StaffRoleIn, principal: CurrentPrincipal, session: Session, now: Now
) -> StaffRoleOut:
    row = await roles.grant(
        session=session,
        principal=principal,
        person_id=body.person_id,
        role=body.role,
        unit_id=body.unit_id,
        now=now,
    )
    await session.commit()
    return StaffRoleOut(id=row.id, person_id=row.person_id, role=row.role, unit_id=row.unit_id)


@router.delete("/staff-roles/{grant_id}", status_code=204)
async def revoke_role(
    grant_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> Response:
    await roles.revoke(session=session, principal=principal, grant_id=grant_id, now=now)
    await session.commit()
    return Response(status_code=204)
