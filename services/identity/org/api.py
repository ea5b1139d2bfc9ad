"""The org tree: /api/identity/org-units."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from kit.deps import CurrentPrincipal
from services.identity.deps import Session
from services.identity.org import service
from services.identity.org.schemas import OrgUnitIn, OrgUnitOut, OrgUnitUpdate, UnitKind

router = APIRouter(tags=["organisation"])


@router.get("/org-units")
async def list_units(
    session: Session, parent_id: uuid.UUID | None = None, kind: UnitKind | None = None
) -> list[OrgUnitOut]:
    """Public: the registration screen lists communities to choose from."""
    units = await service.list_units(session=session, parent_id=parent_id, kind=kind)
    return [OrgUnitOut.model_validate(u) for u in units]


@router.get("/org-units/{unit_id}")
async def get_unit(unit_id: uuid.UUID, session: Session) -> OrgUnitOut:
    return OrgUnitOut.model_validate(await service.get_unit(session=session, unit_id=unit_id))


@router.post("/org-units", status_code=201)
async def create_unit(body: OrgUnitIn, principal: CurrentPrincipal, session: Session) -> OrgUnitOut:
    unit = await service.create_unit(
        session=session,
        principal=principal,
        kind=body.kind,
        code=body.code,
        name=body.name,
        parent_id=body.parent_id,
    )
    return OrgUnitOut.model_validate(unit)


@router.patch("/org-units/{unit_id}")
async def update_unit(
    unit_id: uuid.UUID, body: OrgUnitUpdate, principal: CurrentPrincipal, session: Session
) -> OrgUnitOut:
    unit = await service.update_unit(
        session=session, principal=principal, unit_id=unit_id, code=body.code, name=body.name
    )
    return OrgUnitOut.model_validate(unit)
