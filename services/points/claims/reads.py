"""Reading claims: a caller's own or a community's claims with their objections (keyset
pages), and the public notice board of claims under publicity (names masked).

Who sees which claims: a caller holding a points-staff role who names a `community_id` gets
that community's claims (404 outside their units); everyone else, and staff who name no
community, get their own claims.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal, Role
from kit.deps import StaffScope
from kit.pagination import decode_cursor, keyset_page
from services.points.claims.models import Claim, Objection
from services.points.claims.rules import Notice, fact_time, mask_name
from services.points.claims.schemas import ClaimOut, ClaimPage, claim_out
from services.points.claims.service import resident_id_of
from services.points.ledger.models import Account
from services.points.listing import service as listing
from services.points.listing.rules import Item, items_of

# The roles of deps.PointsStaff: they review claims and resolve objections.
REVIEWERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")


async def claims_page(
    *,
    session: AsyncSession,
    principal: Principal,
    community_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> ClaimPage:
    community, resident = await _listing_filter(session, principal, community_id)
    rows = await list_claims(
        session=session,
        community_id=community,
        resident_id=resident,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    page, next_cursor = keyset_page(rows, limit, lambda c: (c.created_at, c.id))
    objections = await objections_of(session, [c.id for c in page])
    items = [claim_out(c, objections[c.id]) for c in page]
    if resident is None:  # staff reading a community's claims see who claimed
        names = await names_of(session, [c.resident_id for c in page])
        items = [i.model_copy(update={"resident_name": names.get(i.resident_id)}) for i in items]
    return ClaimPage(items=items, next_cursor=next_cursor)


async def names_of(
    session: AsyncSession, resident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    if not resident_ids:
        return {}
    rows = await session.execute(
        select(Account.resident_id, Account.name).where(Account.resident_id.in_(resident_ids))
    )
    return {rid: name for rid, name in rows if rid is not None}


async def _listing_filter(
    session: AsyncSession, principal: Principal, community_id: uuid.UUID | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(community, resident) to filter by: a community for its staff, else the caller's own."""
    staff = StaffScope(principal=principal, roles=REVIEWERS)
    if community_id is not None and staff.unit_paths:
        await listing.ensure_staff_for(session, staff, community_id)
        return community_id, None
    return community_id, resident_id_of(principal.sub)


async def list_claims(
    *,
    session: AsyncSession,
    community_id: uuid.UUID | None,
    resident_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> list[Claim]:
    """Newest first, keyset-paginated on (created_at, id); at most `limit` + 1 rows."""
    stmt = select(Claim).order_by(Claim.created_at.desc(), Claim.id.desc()).limit(limit + 1)
    if community_id is not None:
        stmt = stmt.where(Claim.community_id == community_id)
    if resident_id is not None:
        stmt = stmt.where(Claim.resident_id == resident_id)
    if status is not None:
        stmt = stmt.where(Claim.status == status)
    if cursor is not None:
        stmt = stmt.where(tuple_(Claim.created_at, Claim.id) < tuple_(*decode_cursor(cursor)))
    return list((await session.scalars(stmt)).all())


async def objections_of(
    session: AsyncSession, claim_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Objection]]:
    found: dict[uuid.UUID, list[Objection]] = {i: [] for i in claim_ids}
    rows = await session.scalars(
        select(Objection).where(Objection.claim_id.in_(claim_ids)).order_by(Objection.created_at)
    )
    for objection in rows:
        found[objection.claim_id].append(objection)
    return found


async def claim_with_objections(session: AsyncSession, claim: Claim) -> ClaimOut:
    found = await objections_of(session, [claim.id])
    return claim_out(claim, found[claim.id])


async def publicity_board(
    *, session: AsyncSession, community_id: uuid.UUID, limit: int = 100
) -> list[Notice]:
    rows = await session.execute(
        select(Claim, Account.name)
        .join(Account, Account.resident_id == Claim.resident_id)
        .where(Claim.community_id == community_id, Claim.status == "publicity")
        .order_by(Claim.publicity_ends_at, Claim.id)
        .limit(limit)
    )
    notices, lists = [], dict[date, dict[str, Item]]()  # one list lookup per day
    for claim, name in rows:
        if claim.occurred_on not in lists:
            version = await listing.in_force(
                session, community_id=community_id, at=fact_time(claim.occurred_on)
            )
            lists[claim.occurred_on] = {i.code: i for i in items_of(version)}
        item = lists[claim.occurred_on].get(claim.item_code)
        notices.append(
            Notice(
                claim_id=claim.id,
                name=mask_name(name),
                item_code=claim.item_code,
                item_name=item.name if item else None,
                points=item.points if item else None,
                occurred_on=claim.occurred_on,
                publicity_ends_at=claim.publicity_ends_at,
            )
        )
    return notices
