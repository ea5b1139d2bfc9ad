"""Read and acknowledgement counts of a notice, by community, grid and household, for staff.

Counted over the residents notices' projection places on or below the notice's unit (grids
from identity's resident.grid_chosen events). A grid worker sees only their grids' residents.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notices.board.models import Notice, NoticeReceipt
from services.notices.board.schemas import HouseholdToVisit, ReceiptGroup, ReceiptsOut
from services.notices.directory.models import Resident

Row = tuple[uuid.UUID, uuid.UUID | None, str, bool, bool, uuid.UUID | None]


async def _audience(
    session: AsyncSession, notice: Notice, units: set[uuid.UUID] | None
) -> list[Row]:
    """(community, household, name, read, acked, grid) of every resident the notice reaches
    (only those whose grid or community is one of `units`, when given)."""
    path = notice.unit_path.rstrip("/")
    stmt = (
        select(
            Resident.community_id,
            Resident.household_id,
            Resident.name,
            NoticeReceipt.read_at.is_not(None),
            NoticeReceipt.acked_at.is_not(None),
            Resident.grid_id,
        )
        .outerjoin(
            NoticeReceipt,
            and_(NoticeReceipt.notice_id == notice.id, NoticeReceipt.resident_id == Resident.id),
        )
        .where(or_(Resident.community_path == path, Resident.community_path.like(path + "/%")))
        .order_by(Resident.community_id, Resident.household_id, Resident.name)
    )
    if units is not None:
        stmt = stmt.where(or_(Resident.grid_id.in_(units), Resident.community_id.in_(units)))
    found = (await session.execute(stmt)).all()
    return [(c, h, n, bool(r), bool(a), g) for c, h, n, r, a, g in found]


def _groups(rows: list[Row], key: int) -> list[ReceiptGroup]:
    counts: dict[uuid.UUID | None, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        group = counts[row[key]]  # type: ignore[index]
        group[0] += 1
        group[1] += row[3]
        group[2] += row[4]
    return [ReceiptGroup(id=k, residents=v[0], read=v[1], acked=v[2]) for k, v in counts.items()]


def _to_visit(rows: list[Row]) -> list[HouseholdToVisit]:
    """Households where nobody acknowledged: grid workers follow these up in person."""
    members: dict[uuid.UUID, list[str]] = defaultdict(list)
    acked: set[uuid.UUID] = set()
    for _, household, name, _, did_ack, _ in rows:
        if household is None:
            continue
        members[household].append(name)
        if did_ack:
            acked.add(household)
    return [
        HouseholdToVisit(household_id=h, members=m) for h, m in members.items() if h not in acked
    ]


async def receipts(
    session: AsyncSession, notice: Notice, *, units: set[uuid.UUID] | None = None
) -> ReceiptsOut:
    """Counts over the notice's residents; a grid worker passes the `units` they work."""
    rows = await _audience(session, notice, units)
    households = [r for r in rows if r[1] is not None]
    return ReceiptsOut(
        notice_id=notice.id,
        residents=len(rows),
        read=sum(r[3] for r in rows),
        acked=sum(r[4] for r in rows),
        by_community=_groups(rows, 0),
        by_grid=_groups(rows, 5),
        by_household=_groups(households, 1),
        households_not_acknowledged=_to_visit(rows) if notice.require_ack else [],
    )
