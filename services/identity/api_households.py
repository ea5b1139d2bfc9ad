"""Households: /api/identity/households."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from kit.deps import CurrentPrincipal
from kit.errors import NotFound
from services.identity import households
from services.identity.deps import Now, Session
from services.identity.schemas import HouseholdIn, HouseholdOut, MemberIn
from services.identity.views import household_out

router = APIRouter(tags=["households"])


@router.post("/households", status_code=201)
async def create(
    body: HouseholdIn, principal: CurrentPrincipal, session: Session, now: Now
) -> HouseholdOut:
    household = await households.create(
        session=session, principal=principal, head_id=body.head_id, address=body.address, now=now
    )
    await session.commit()
    return await household_out(session, household)


@router.get("/households/{household_id}")
async def read(
    household_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> HouseholdOut:
    household = await households.get(session=session, household_id=household_id)
    member_ids = {str(m.id) for m in await households.members(session=session, household=household)}
    if principal.sub not in member_ids and not await households.is_staff_for(
        session, principal, household
    ):
        raise NotFound("户不存在")
    return await household_out(session, household)


@router.post("/households/{household_id}/members", status_code=201)
async def add_member(
    household_id: uuid.UUID,
    body: MemberIn,
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
) -> HouseholdOut:
    household = await households.get(session=session, household_id=household_id)
    await households.add_member(
        session=session,
        principal=principal,
        household=household,
        person_id=body.person_id,
        now=now,
    )
    await session.commit()
    return await household_out(session, household)


@router.delete("/households/{household_id}/members/{person_id}", status_code=204)
async def remove_member(
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
) -> Response:
    household = await households.get(session=session, household_id=household_id)
    await households.remove_member(
        session=session, principal=principal, household=household, person_id=person_id, now=now
    )
    await session.commit()
    return Response(status_code=204)
