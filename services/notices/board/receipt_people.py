"""Who a notice reached, one resident a row, for staff following up: read, acknowledged or not.

The same audience as receipts.py (residents on or below the notice's unit; a grid worker's
own grids), a page at a time in the order residents registered.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.pagination import decode_cursor, keyset_page
from services.notices.board.models import Notice, NoticeReceipt
from services.notices.board.schemas import ReceiptPerson, ReceiptPersonPage
from services.notices.directory.models import Resident

ReceiptState = Literal["read", "unread", "acked", "not_acked"]
PersonRow = tuple[Resident, datetime | None, datetime | None]
Audience = Select[Resident, datetime | None, datetime | None]


def _state(state: ReceiptState) -> ColumnElement[bool]:
    return {
        "read": NoticeReceipt.read_at.is_not(None),
        "unread": NoticeReceipt.read_at.is_(None),
        "acked": NoticeReceipt.acked_at.is_not(None),
        "not_acked": NoticeReceipt.acked_at.is_(None),
    }[state]


def audience(notice: Notice, units: set[uuid.UUID] | None) -> Audience:
    """Residents the notice reaches with their receipt times (outer join: none yet)."""
    path = notice.unit_path.rstrip("/")
    stmt = (
        select(Resident, NoticeReceipt.read_at, NoticeReceipt.acked_at)
        .outerjoin(
            NoticeReceipt,
            and_(NoticeReceipt.notice_id == notice.id, NoticeReceipt.resident_id == Resident.id),
        )
        .where(or_(Resident.community_path == path, Resident.community_path.like(path + "/%")))
    )
    if units is not None:
        stmt = stmt.where(or_(Resident.grid_id.in_(units), Resident.community_id.in_(units)))
    return stmt


def person(row: PersonRow) -> ReceiptPerson:
    resident, read_at, acked_at = row
    return ReceiptPerson(
        resident_id=resident.id,
        name=resident.name,
        household_id=resident.household_id,
        grid_id=resident.grid_id,
        read_at=read_at,
        acked_at=acked_at,
    )


async def people_page(
    session: AsyncSession,
    notice: Notice,
    *,
    units: set[uuid.UUID] | None,
    state: ReceiptState | None,
    cursor: str | None,
    limit: int,
) -> ReceiptPersonPage:
    stmt = audience(notice, units)
    if state is not None:
        stmt = stmt.where(_state(state))
    if cursor:
        at, after = decode_cursor(cursor)
        stmt = stmt.where(tuple_(Resident.created_at, Resident.id) > tuple_(at, after))
    stmt = stmt.order_by(Resident.created_at, Resident.id).limit(limit + 1)
    rows: list[PersonRow] = [(r, read, ack) for r, read, ack in (await session.execute(stmt)).all()]
    items, next_cursor = keyset_page(rows, limit, lambda r: (r[0].created_at, r[0].id))
    return ReceiptPersonPage(items=[person(r) for r in items], next_cursor=next_cursor)


async def everyone(
    session: AsyncSession, notice: Notice, *, units: set[uuid.UUID] | None
) -> list[ReceiptPerson]:
    """Every resident the notice reaches, for the export (a community's few thousand)."""
    stmt = audience(notice, units).order_by(Resident.created_at, Resident.id)
    return [person((r, read, ack)) for r, read, ack in (await session.execute(stmt)).all()]
