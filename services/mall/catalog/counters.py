"""Counters (兑换点): create, change, list; every staff write scoped to covered communities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.mall.catalog import access
from services.mall.catalog.models import Counter
from services.mall.catalog.schemas import (
    CounterCreate,
    CounterOut,
    CounterPage,
    CounterUpdate,
    OpeningHours,
)
from services.mall.directory.service import covered_community

NOT_FOUND = "兑换点不存在或无权访问"


def counter_out(counter: Counter) -> CounterOut:
    return CounterOut.model_validate(counter, from_attributes=True)


async def create(
    *, session: AsyncSession, scope: StaffScope, body: CounterCreate, now: datetime
) -> Counter:
    path = await covered_community(session, scope, body.community_id, field="community_id")
    counter = Counter(
        id=uuid.uuid4(),
        community_id=body.community_id,
        community_path=path,
        name=body.name,
        address=body.address,
        opening_hours=_hours(body.opening_hours),
        active=True,
        created_by=uuid.UUID(scope.principal.sub),
        created_at=now,
        updated_at=now,
    )
    session.add(counter)
    await session.flush()
    return counter


async def managed(
    *, session: AsyncSession, scope: StaffScope, counter_id: uuid.UUID, lock: bool = False
) -> Counter:
    """The counter if the caller's roles cover its community; 404 otherwise."""
    counter = await session.get(Counter, counter_id, with_for_update=lock)
    if counter is None or not scope.covers(counter.community_path):
        raise NotFound(NOT_FOUND)
    return counter


async def update(
    *, session: AsyncSession, counter: Counter, body: CounterUpdate, now: datetime
) -> Counter:
    changes = body.model_dump(exclude_unset=True)
    if "opening_hours" in changes:
        changes["opening_hours"] = _hours(body.opening_hours)
    for name, value in changes.items():
        setattr(counter, name, value)
    counter.updated_at = now
    await session.flush()
    # Unchanged `now` leaves the server's onupdate to set it: read back what was stored.
    await session.refresh(counter)
    return counter


def _hours(hours: list[OpeningHours] | None) -> list[dict[str, str]] | None:
    return None if hours is None else [h.model_dump() for h in hours]


@dataclass(frozen=True)
class CounterQuery:
    community_id: uuid.UUID | None
    cursor: str | None
    limit: int


async def page(*, session: AsyncSession, principal: Principal, query: CounterQuery) -> CounterPage:
    """A community's counters (residents: their own community's, active ones), or without a
    community the counters of every community the staff caller covers."""
    stmt = select(Counter)
    if query.community_id is not None:
        seen = await access.reader(session, principal, query.community_id, field="community_id")
        stmt = stmt.where(Counter.community_id == query.community_id)
        if not seen.staff:
            stmt = stmt.where(Counter.active.is_(True))
    elif access.staff_paths(principal):
        stmt = stmt.where(access.within(Counter.community_path, access.staff_paths(principal)))
    elif principal.community_id is not None:
        own = uuid.UUID(principal.community_id)
        stmt = stmt.where(Counter.community_id == own, Counter.active.is_(True))
    else:
        raise NotFound(access.NO_COMMUNITY, field="community_id")
    if query.cursor is not None:
        at, after = decode_cursor(query.cursor)
        stmt = stmt.where(tuple_(Counter.created_at, Counter.id) > tuple_(at, after))
    stmt = stmt.order_by(Counter.created_at, Counter.id).limit(query.limit + 1)
    rows = list(await session.scalars(stmt))
    items, cursor = keyset_page(rows, query.limit, lambda c: (c.created_at, c.id))
    return CounterPage(items=[counter_out(c) for c in items], next_cursor=cursor)
