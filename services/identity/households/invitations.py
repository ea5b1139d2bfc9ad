"""Household invitations (households' second service module): the head invites, the invitee
accepts or declines; joining is the invitee's choice, never the head's alone."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, NotFound
from services.identity.households.models import Household, HouseholdInvitation
from services.identity.households.rules import next_invitation_status
from services.identity.households.service import join, resident_of
from services.identity.people.models import Person


async def invite(
    *, session: AsyncSession, principal: Principal, household: Household, person_id: uuid.UUID
) -> HouseholdInvitation:
    """A pending invitation for a resident of the household's community (one at a time)."""
    await resident_of(session, household, person_id)
    invitation = HouseholdInvitation(
        id=uuid.uuid4(),
        household_id=household.id,
        person_id=person_id,
        invited_by=uuid.UUID(principal.sub),
    )
    session.add(invitation)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("已邀请该居民，等待其回应", field="person_id") from None
    await session.commit()
    return invitation


async def pending_for(
    *, session: AsyncSession, person_id: uuid.UUID
) -> list[tuple[HouseholdInvitation, Person]]:
    """The person's unanswered invitations, each with the head of the inviting household."""
    query = (
        select(HouseholdInvitation, Person)
        .join(Household, Household.id == HouseholdInvitation.household_id)
        .join(Person, Person.id == Household.head_id)
        .where(HouseholdInvitation.person_id == person_id, HouseholdInvitation.status == "pending")
        .order_by(HouseholdInvitation.created_at)
    )
    return [(invitation, head) for invitation, head in await session.execute(query)]


async def answer(
    *,
    session: AsyncSession,
    principal: Principal,
    invitation_id: uuid.UUID,
    accept: bool,
    now: datetime,
) -> tuple[HouseholdInvitation, Household]:
    """The invitee accepts (and joins: member_joined is published then) or declines."""
    invitation = await session.get(HouseholdInvitation, invitation_id, with_for_update=True)
    if invitation is None or str(invitation.person_id) != principal.sub:
        raise NotFound("邀请不存在")  # someone else's invitation: as if there were none
    action = "accept" if accept else "decline"
    invitation.status = next_invitation_status(invitation.status, action)
    invitation.decided_at = now
    household = await session.get(Household, invitation.household_id)
    assert household is not None
    if accept:
        person = await session.get(Person, invitation.person_id)
        assert person is not None
        if person.community_id != household.community_id:
            raise Conflict("您已不在该户所在社区，不能加入", field="household_id")
        await join(session=session, household=household, person=person, now=now)
    await session.commit()
    return invitation, household
