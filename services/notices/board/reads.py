"""Reading notices: the lists of residents and staff, opening one (records the read), ack."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import Conflict, NotFound
from kit.pagination import decode_cursor, keyset_page
from kit.paths import unit_ids, within
from services.notices.board.models import Notice, NoticeReceipt
from services.notices.board.rules import MAX_PINNED, in_force
from services.notices.board.schemas import NoticeItem, NoticePage
from services.notices.board.service import NOT_FOUND
from services.notices.deps import MANAGERS
from services.notices.directory.models import Resident
from services.notices.directory.service import covered_unit, unit_path

Joined = Select[Notice, NoticeReceipt]
Pair = tuple[Notice, NoticeReceipt | None]


@dataclass(frozen=True)
class ListQuery:
    unit_id: uuid.UUID | None
    category: str | None
    q: str | None
    cursor: str | None
    limit: int


def manager_scope(principal: Principal) -> StaffScope | None:
    scope = StaffScope(principal, MANAGERS)
    return scope if scope.unit_paths else None


async def home_path(session: AsyncSession, principal: Principal) -> str | None:
    """Where a resident lives, as notices' projection knows it (else their token's community)."""
    resident = await session.get(Resident, uuid.UUID(principal.sub))
    if resident is not None:
        return resident.community_path
    if principal.community_id is None:
        return None
    return await unit_path(session, uuid.UUID(principal.community_id))


def in_force_at(now: datetime) -> ColumnElement[bool]:
    """SQL for rules.in_force."""
    return and_(
        Notice.status == "published",
        Notice.published_at.is_not(None),
        or_(Notice.expires_at.is_(None), Notice.expires_at > now),
    )


def _under(paths: tuple[str, ...]) -> ColumnElement[bool]:
    # Paths are made of uuids: they hold no LIKE wildcards.
    return or_(
        *(or_(Notice.unit_path == p, Notice.unit_path.like(p.rstrip("/") + "/%")) for p in paths)
    )


def _filters(stmt: Joined, query: ListQuery) -> Joined:
    if query.unit_id is not None:
        stmt = stmt.where(Notice.unit_id == query.unit_id)
    if query.category is not None:
        stmt = stmt.where(Notice.category == query.category)
    if query.q:
        stmt = stmt.where(
            or_(
                Notice.title.icontains(query.q, autoescape=True),
                Notice.body.icontains(query.q, autoescape=True),
            )
        )
    return stmt


async def page(
    session: AsyncSession, principal: Principal, query: ListQuery, now: datetime
) -> NoticePage:
    scope = manager_scope(principal)
    if scope is not None:
        return await _staff_page(session, scope, query)
    return await _resident_page(session, principal, query, now)


async def _staff_page(session: AsyncSession, scope: StaffScope, query: ListQuery) -> NoticePage:
    """Every notice of the units a manager acts for, drafts and withdrawn ones included."""
    if query.unit_id is not None:
        await covered_unit(session, scope, query.unit_id)
    stmt = _filters(_with_receipt(None).where(_under(scope.unit_paths)), query)
    if query.cursor:
        at, after = decode_cursor(query.cursor)
        stmt = stmt.where(tuple_(Notice.created_at, Notice.id) < tuple_(at, after))
    rows = await _pairs(
        session, stmt.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(query.limit + 1)
    )
    items, cursor = keyset_page(rows, query.limit, lambda r: (r[0].created_at, r[0].id))
    return NoticePage(items=[_item(n, r) for n, r in items], next_cursor=cursor)


async def _resident_page(
    session: AsyncSession, principal: Principal, query: ListQuery, now: datetime
) -> NoticePage:
    """In force for the resident's community and the units above it; pinned first (on the
    first page: at most three per unit), then the newest."""
    path = await home_path(session, principal)
    if path is None:
        return NoticePage(items=[], next_cursor=None)
    base = _with_receipt(uuid.UUID(principal.sub)).where(
        Notice.unit_id.in_(unit_ids(path)), in_force_at(now)
    )
    base = _filters(base, query)
    pinned: list[Pair] = []
    rest = base.where(Notice.pinned_at.is_(None))
    if query.cursor:
        at, after = decode_cursor(query.cursor)
        rest = rest.where(tuple_(Notice.published_at, Notice.id) < tuple_(at, after))
    else:
        pins = base.where(Notice.pinned_at.is_not(None)).order_by(Notice.pinned_at.desc())
        pinned = await _pairs(session, pins)
    rows = await _pairs(
        session, rest.order_by(Notice.published_at.desc(), Notice.id.desc()).limit(query.limit + 1)
    )
    items, cursor = keyset_page(rows, query.limit, _published_key)
    shown = pinned + items
    return NoticePage(items=[_item(n, r) for n, r in shown], next_cursor=cursor)


async def pinned(session: AsyncSession, principal: Principal, now: datetime) -> NoticePage:
    """The pinned notices in force where the caller lives (their community and the units
    above it), newest pin first, at most MAX_PINNED per unit: the home screen's section.
    Staff get the same answer as residents: where they live, not the units they act for."""
    path = await home_path(session, principal)
    if path is None:
        return NoticePage(items=[], next_cursor=None)
    stmt = _with_receipt(uuid.UUID(principal.sub)).where(
        Notice.unit_id.in_(unit_ids(path)), in_force_at(now), Notice.pinned_at.is_not(None)
    )
    rows = await _pairs(session, stmt.order_by(Notice.pinned_at.desc(), Notice.id.desc()))
    per_unit: dict[uuid.UUID, int] = {}
    shown: list[Pair] = []
    for notice, receipt in rows:
        per_unit[notice.unit_id] = per_unit.get(notice.unit_id, 0) + 1
        if per_unit[notice.unit_id] <= MAX_PINNED:
            shown.append((notice, receipt))
    return NoticePage(items=[_item(n, r) for n, r in shown], next_cursor=None)


async def _pairs(session: AsyncSession, stmt: Joined) -> list[Pair]:
    return [(notice, receipt) for notice, receipt in (await session.execute(stmt)).all()]


def _published_key(pair: Pair) -> tuple[datetime, uuid.UUID]:
    published_at = pair[0].published_at
    assert published_at is not None  # in force: published
    return published_at, pair[0].id


def _with_receipt(resident_id: uuid.UUID | None) -> Joined:
    return select(Notice, NoticeReceipt).outerjoin(
        NoticeReceipt,
        and_(NoticeReceipt.notice_id == Notice.id, NoticeReceipt.resident_id == resident_id),
    )


def _item(notice: Notice, receipt: NoticeReceipt | None) -> NoticeItem:
    return NoticeItem(
        id=notice.id,
        unit_id=notice.unit_id,
        category=notice.category,
        title=notice.title,
        status=notice.status,
        require_ack=notice.require_ack,
        pinned=notice.pinned_at is not None,
        published_at=notice.published_at,
        expires_at=notice.expires_at,
        unread=receipt is None,
        acked=receipt is not None and receipt.acked_at is not None,
    )


async def readable(
    session: AsyncSession, principal: Principal, notice_id: uuid.UUID, now: datetime
) -> tuple[Notice, bool]:
    """The notice and whether the caller reads it as staff; 404 if they may not see it."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(NOT_FOUND)
    scope = manager_scope(principal)
    if scope is not None and scope.covers(notice.unit_path):
        return notice, True
    return await resident_reads(session, principal, notice, now), False


async def resident_reads(
    session: AsyncSession, principal: Principal, notice: Notice | None, now: datetime
) -> Notice:
    """The notice if it is in force where the caller lives (own unit or above); else 404."""
    path = await home_path(session, principal)
    if notice is None or path is None or not within(path, notice.unit_path):
        raise NotFound(NOT_FOUND)
    if not in_force(notice.status, notice.published_at, notice.expires_at, now):
        raise NotFound(NOT_FOUND)
    return notice


async def record_read(
    session: AsyncSession, notice: Notice, resident_id: uuid.UUID, now: datetime
) -> NoticeReceipt:
    """The first read counts; reading again changes nothing."""
    stmt = pg_insert(NoticeReceipt).values(
        notice_id=notice.id, resident_id=resident_id, read_at=now
    )
    await session.execute(stmt.on_conflict_do_nothing())
    receipt = await session.get(NoticeReceipt, (notice.id, resident_id), populate_existing=True)
    assert receipt is not None
    return receipt


async def acknowledge(
    session: AsyncSession, notice: Notice, resident_id: uuid.UUID, now: datetime
) -> NoticeReceipt:
    if not notice.require_ack:
        raise Conflict("该公告无需确认", field="require_ack")
    receipt = await record_read(session, notice, resident_id, now)
    if receipt.acked_at is None:
        receipt.acked_at = now
        await session.flush()
    return receipt
