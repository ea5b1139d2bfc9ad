"""The staff directory (people's second service module): residents in the units staff act for."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.identity.org.models import OrgUnit
from services.identity.org.service import under
from services.identity.people.models import Person
from services.identity.people.rules import LISTERS


def scope_condition(principal: Principal) -> ColumnElement[bool]:
    grants = [g for g in principal.roles if g.role in LISTERS]
    if not grants:
        return false()
    return or_(*(under(g.unit_path) for g in grants))  # type: ignore[arg-type]


async def list_residents(
    *,
    session: AsyncSession,
    principal: Principal,
    community_id: uuid.UUID | None,
    q: str | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Person], str | None]:
    """Oldest first, keyset-paginated on (created_at, id): the rows and the next cursor."""
    query = (
        select(Person)
        .join(OrgUnit, OrgUnit.id == Person.community_id)
        .where(scope_condition(principal))
    )
    if community_id is not None:
        community = await session.get(OrgUnit, community_id)
        if community is None or not principal.can_act_on(community.path, *LISTERS):
            raise NotFound("社区不存在", field="community_id")
        query = query.where(Person.community_id == community_id)
    if q:
        query = query.where(or_(Person.name.startswith(q), Person.phone.endswith(q)))
    if status:
        query = query.where(Person.verification_status == status)
    if cursor:
        query = query.where(tuple_(Person.created_at, Person.id) > decode_cursor(cursor))
    rows = list(
        await session.scalars(query.order_by(Person.created_at, Person.id).limit(limit + 1))
    )
    return keyset_page(rows, limit, lambda p: (p.created_at, p.id))


async def shared_id_numbers(*, session: AsyncSession, people: list[Person]) -> set[str]:
    """The ID-number fingerprints among `people` that another pending or verified account holds."""
    hashes = {p.id_number_hash for p in people if p.id_number_hash}
    if not hashes:
        return set()
    query = (
        select(Person.id_number_hash)
        .where(
            Person.id_number_hash.in_(hashes),
            Person.verification_status.in_(("pending", "verified")),
        )
        .group_by(Person.id_number_hash)
        .having(func.count() > 1)
    )
    return {h for h in await session.scalars(query) if h}
