"""Households: /api/identity/households, and invitations to join one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.deps import CurrentPrincipal
from kit.errors import NotFound
from services.identity.deps import Now, Session
from services.identity.households import directory, invitations, service
from services.identity.households.models import Household
from services.identity.households.schemas import (
    HeadIn,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    InvitationOut,
    MemberIn,
    household_out,
    household_summary_out,
    invitation_out,
)
from services.identity.people.models import Person

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


@router.get("/households")
async def list_households(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> HouseholdPage:
    """A community's households, for its staff: oldest first, head masked."""
    rows, next_cursor = await directory.list_households(
        session=session, principal=principal, community_id=community_id, cursor=cursor, limit=limit
    )
    items = [household_summary_out(h, head, n) for h, head, n in rows]
    return HouseholdPage(items=items, next_cursor=next_cursor)


@router.get("/households/{household_id}")
async def read(
    household_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> HouseholdOut:
    household = await service.read(session=session, principal=principal, household_id=household_id)
    return await _answer(session, household)


@router.put("/households/{household_id}/head")
async def set_head(
    household_id: uuid.UUID, body: HeadIn, principal: CurrentPrincipal, session: Session
) -> HouseholdOut:
    """Staff of the community make another member the head."""
    household = await service.get(session=session, household_id=household_id)
    await service.set_head(
        session=session, principal=principal, household=household, person_id=body.head_id
    )
    return await _answer(session, household)


@router.post(
    "/households/{household_id}/members",
    status_code=201,
    responses={202: {"model": InvitationOut, "description": "the head's request: invited"}},
)
async def add_member(
    household_id: uuid.UUID,
    body: MemberIn,
    principal: CurrentPrincipal,
    session: Session,
    response: Response,
    now: Now,
) -> HouseholdOut | InvitationOut:
    """Staff of the community add the member (201); the head invites them (202, pending)."""
    household = await service.get(session=session, household_id=household_id)
    if not await service.is_staff_for(session, principal, household):
        if str(household.head_id) != principal.sub:
            raise NotFound("户不存在")
        invitation = await invitations.invite(
            session=session, principal=principal, household=household, person_id=body.person_id
        )
        head = await session.get(Person, household.head_id)
        assert head is not None
        response.status_code = 202
        return invitation_out(invitation, head)
    await service.add_member(
        session=session,
        principal=principal,
        household=household,
        person_id=body.person_id,
        now=now,
    )
    return await _answer(session, household)


@router.get("/me/household-invitations")
async def my_invitations(principal: CurrentPrincipal, session: Session) -> list[InvitationOut]:
    """The caller's unanswered invitations to join a household."""
    rows = await invitations.pending_for(session=session, person_id=uuid.UUID(principal.sub))
    return [invitation_out(invitation, head) for invitation, head in rows]


@router.post("/household-invitations/{invitation_id}/accept")
async def accept_invitation(
    invitation_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> HouseholdOut:
    _, household = await invitations.answer(
        session=session, principal=principal, invitation_id=invitation_id, accept=True, now=now
    )
    return await _answer(session, household)


@router.post("/household-invitations/{invitation_id}/decline")
async def decline_invitation(
    invitation_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> InvitationOut:
    invitation, household = await invitations.answer(
        session=session, principal=principal, invitation_id=invitation_id, accept=False, now=now
    )
    head = await session.get(Person, household.head_id)
    assert head is not None
    return invitation_out(invitation, head)


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
