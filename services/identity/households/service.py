"""Households' service functions: found one, add and remove members, read it with its members."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import HouseholdMemberJoined, HouseholdMemberLeft
from kit.auth import Principal
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.events import publish
from services.identity.households.models import Household
from services.identity.households.rules import HOUSEHOLD_STAFF, head_may_leave
from services.identity.org.models import OrgUnit
from services.identity.people.models import Person


async def _community_path(session: AsyncSession, community_id: uuid.UUID) -> str:
    unit = await session.get(OrgUnit, community_id)
    assert unit is not None
    return unit.path


async def is_staff_for(session: AsyncSession, principal: Principal, household: Household) -> bool:
    path = await _community_path(session, household.community_id)
    return principal.can_act_on(path, *HOUSEHOLD_STAFF)


async def create(
    *,
    session: AsyncSession,
    principal: Principal,
    head_id: uuid.UUID | None,
    address: str | None,
    now: datetime,
) -> Household:
    """A resident founds a household and heads it; staff may found one for a resident."""
    head = await session.get(Person, head_id or uuid.UUID(principal.sub))
    if head is None or head.community_id is None:
        raise Invalid("户主不存在或未选择社区", field="head_id")
    if head_id is not None and str(head_id) != principal.sub:
        path = await _community_path(session, head.community_id)
        if not principal.can_act_on(path, *HOUSEHOLD_STAFF):
            raise Forbidden("无权为他人建户")
    household = Household(
        id=uuid.uuid4(), community_id=head.community_id, head_id=head.id, address=address
    )
    session.add(household)
    await session.flush()
    await join(session=session, household=household, person=head, now=now)
    await session.commit()
    return household


async def get(*, session: AsyncSession, household_id: uuid.UUID) -> Household:
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound("户不存在")
    return household


async def read(
    *, session: AsyncSession, principal: Principal, household_id: uuid.UUID
) -> Household:
    """The household, if the principal is a member or staff of its community; else not found."""
    household = await get(session=session, household_id=household_id)
    member_ids = {str(m.id) for m in await members(session=session, household=household)}
    if principal.sub not in member_ids and not await is_staff_for(session, principal, household):
        raise NotFound("户不存在")
    return household


async def add_member(
    *,
    session: AsyncSession,
    principal: Principal,
    household: Household,
    person_id: uuid.UUID,
    now: datetime,
) -> Person:
    """Staff of the household's community add a resident directly (they act for residents
    in person, e.g. the elderly); a head invites instead (invitations.invite)."""
    if not await is_staff_for(session, principal, household):
        raise NotFound("户不存在")
    person = await resident_of(session, household, person_id)
    await join(session=session, household=household, person=person, now=now)
    await session.commit()
    return person


async def set_head(
    *, session: AsyncSession, principal: Principal, household: Household, person_id: uuid.UUID
) -> None:
    """Staff of the community hand the household to another of its members (a head who
    moved away or died); the head alone may not, to keep one person from taking it over."""
    if not await is_staff_for(session, principal, household):
        raise NotFound("户不存在")
    person = await session.get(Person, person_id)
    if person is None or person.household_id != household.id:
        raise Invalid("新户主须是本户成员", field="head_id")
    household.head_id = person.id
    await session.commit()


async def resident_of(session: AsyncSession, household: Household, person_id: uuid.UUID) -> Person:
    """The person, who must be registered in the household's community."""
    person = await session.get(Person, person_id)
    if person is None:
        raise Invalid("居民不存在", field="person_id")
    if person.community_id != household.community_id:
        raise Invalid("只能添加本社区的居民", field="person_id")
    return person


async def may_manage(session: AsyncSession, principal: Principal, household: Household) -> bool:
    return str(household.head_id) == principal.sub or await is_staff_for(
        session, principal, household
    )


async def join(
    *, session: AsyncSession, household: Household, person: Person, now: datetime
) -> None:
    # Row lock: two staff adding the same person at once must not both succeed.
    await session.refresh(person, with_for_update=True)
    if person.household_id is not None:
        raise Conflict("该居民已在其他户中", field="person_id")
    person.household_id = household.id
    event = HouseholdMemberJoined(
        household_id=str(household.id),
        resident_id=str(person.id),
        community_id=str(household.community_id),
        joined_at=now,
    )
    # Keyed by the resident: their events stay in order with resident.registered.
    await publish(session, event, subject=str(person.id))


async def remove_member(
    *,
    session: AsyncSession,
    principal: Principal,
    household: Household,
    person_id: uuid.UUID,
    now: datetime,
) -> None:
    """Staff or the head remove anyone; a member may move out by themselves."""
    if str(person_id) != principal.sub:
        await _ensure_may_manage(session, principal, household)
    person = await session.get(Person, person_id, with_for_update=True)
    if person is None or person.household_id != household.id:
        raise NotFound("该居民不在此户中")
    is_head = person.id == household.head_id
    if is_head and not head_may_leave(await _member_count(session, household)):
        raise Conflict("户主需先移出其他成员", field="person_id")
    person.household_id = None
    event = HouseholdMemberLeft(
        household_id=str(household.id), resident_id=str(person.id), left_at=now
    )
    await publish(session, event, subject=str(person.id))
    await session.commit()


async def members(*, session: AsyncSession, household: Household) -> list[Person]:
    query = select(Person).where(Person.household_id == household.id).order_by(Person.created_at)
    return list(await session.scalars(query))


async def _member_count(session: AsyncSession, household: Household) -> int:
    return len(await members(session=session, household=household))


async def _ensure_may_manage(
    session: AsyncSession, principal: Principal, household: Household
) -> None:
    if not await may_manage(session, principal, household):
        raise NotFound("户不存在")
