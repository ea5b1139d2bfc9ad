"""The households directory (households' third service module): a community's households."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from kit.auth import Principal
from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.identity.households.models import Household
from services.identity.households.rules import HOUSEHOLD_STAFF
from services.identity.org.models import OrgUnit
from services.identity.people.models import Person

HouseholdRow = tuple[Household, Person, int]


async def list_households(
    *,
    session: AsyncSession,
    principal: Principal,
    community_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> tuple[list[HouseholdRow], str | None]:
    """Oldest first, each with its head and member count; a community the caller does not
    work for is answered like one that does not exist."""
    community = await session.get(OrgUnit, community_id)
    if community is None or not principal.can_act_on(community.path, *HOUSEHOLD_STAFF):
        raise NotFound("社区不存在", field="community_id")
    member = aliased(Person)  # apart from the head joined below
    members = (
        select(func.count())
        .select_from(member)
        .where(member.household_id == Household.id)
        .correlate(Household)
        .scalar_subquery()
    )
    query = (
        select(Household, Person, members)
        .join(Person, Person.id == Household.head_id)
        .where(Household.community_id == community_id)
    )
    if cursor:
        query = query.where(tuple_(Household.created_at, Household.id) > decode_cursor(cursor))
    order = (Household.created_at, Household.id)
    result = await session.execute(query.order_by(*order).limit(limit + 1))
    rows = [(h, head, int(n)) for h, head, n in result]
    return keyset_page(rows, limit, lambda r: (r[0].created_at, r[0].id))
