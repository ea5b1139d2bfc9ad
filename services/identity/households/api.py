"""Households: /api/identity/households."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from kit.deps import CurrentPrincipal
from services.identity.deps import Now, Session
from services.identity.households import service
from services.identity.households.models import Household
from services.identity.households.schemas import HouseholdIn, HouseholdOut, MemberIn, household_out

router = APIRouter(tags=["households"])


async def _answer(session: Session, household: Household) -> HouseholdOut:
    return household_out(household, await service.members(session=session, household=household))


@router.post("/households", status_code=201)
async def create(
    body: HouseholdIn, principal: CurrentPrincipal, session: Session, now: Now
) -> HouseholdOut:
    household = await service.create(
        session=session, principal=principal, head_id=body.head_id, address=body.address, now=now
    )
    return await _answer(session, household)


@router.get("/households/{household_id}")
async def read(
    household_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> HouseholdOut:
    household = await service.read(session=session, principal=principal, household_id=household_id)
    return await _answer(session, household)


@router.post("/households/{household_id}/members", status_code=201)
async def add_member(
    household_id: uuid.UUID,
    body: MemberIn,
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
) -> HouseholdOut:
    household = await service.get(session=session, household_id=household_id)
    await service.add_member(
        session=session,
        principal=principal,
        household=household,
        person_id=body.person_id,
        now=now,
    )
    return await _answer(session, household)


@router.delete("/households/{household_id}/members/{person_id}", status_code=204)
async def remove_member(
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
) -> Response:
    household = await service.get(session=session, household_id=household_id)
    await service.remove_member(
        session=session, principal=principal, household=household, person_id=person_id, now=now
    )
    return Response(status_code=204)
