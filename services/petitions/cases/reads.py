"""Lists of petitions: mine, assigned to me, and a staff member's queue within their units."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import Forbidden
from kit.pagination import decode_cursor, keyset_page
from services.petitions.cases.models import STATES, Petition
from services.petitions.cases.rules import TERMINAL_STATES
from services.petitions.cases.schemas import PetitionPage, QueueCounts
from services.petitions.cases.views import summary_out
from services.petitions.deps import MANAGERS
from services.petitions.directory import service as directory

StatusFilter = Literal[
    "open",
    "submitted",
    "accepted",
    "rejected",
    "cancelled",
    "assigned",
    "in_progress",
    "resolved",
    "reopened",
    "closed",
]


@dataclass(frozen=True)
class ListQuery:
    community_id: uuid.UUID | None
    status: StatusFilter | None
    category_id: uuid.UUID | None
    mine: bool
    assigned_to_me: bool
    overdue: bool | None
    escalated: bool | None
    cursor: str | None
    limit: int


def within(paths: tuple[str, ...]) -> ColumnElement[bool]:
    """Petitions of communities on or below any of `paths` (ids hold no LIKE wildcards)."""
    return or_(
        *(
            or_(Petition.community_path == p, Petition.community_path.like(p.rstrip("/") + "/%"))
            for p in paths
        )
    )


def assigned_to(principal: Principal) -> ColumnElement[bool]:
    units = [uuid.UUID(g.unit_id) for g in principal.roles]
    mine = Petition.assignee_id == uuid.UUID(principal.sub)
    return or_(mine, Petition.assignee_unit_id.in_(units)) if units else mine


async def _whose(
    session: AsyncSession, principal: Principal, query: ListQuery
) -> list[ColumnElement[bool]]:
    """Which petitions the caller asks for and may list: theirs, assigned to them, or their
    units' queue; narrowed to a community (one they cover) and a category."""
    if query.mine:
        conditions = [Petition.author_id == uuid.UUID(principal.sub)]
    elif query.assigned_to_me:
        if not principal.is_staff:
            raise Forbidden("需要工作人员权限", field="assignee")
        conditions = [assigned_to(principal)]
    else:
        scope = StaffScope(principal, MANAGERS)
        if not scope.unit_paths:
            raise Forbidden("需要工作人员权限；居民请使用 mine=true")
        conditions = [within(scope.unit_paths)]
    if query.community_id is not None:
        if not (query.mine or query.assigned_to_me):
            await directory.covered_community(
                session, StaffScope(principal, MANAGERS), query.community_id
            )
        conditions.append(Petition.community_id == query.community_id)
    if query.category_id is not None:
        conditions.append(Petition.category_id == query.category_id)
    return conditions


async def page(session: AsyncSession, principal: Principal, query: ListQuery) -> PetitionPage:
    stmt = select(Petition).where(*await _whose(session, principal, query))
    stmt = _filters(stmt, query)
    if query.cursor:
        at, after = decode_cursor(query.cursor)
        stmt = stmt.where(tuple_(Petition.created_at, Petition.id) < tuple_(at, after))
    rows = await session.scalars(
        stmt.order_by(Petition.created_at.desc(), Petition.id.desc()).limit(query.limit + 1)
    )
    items, cursor = keyset_page(list(rows), query.limit, lambda p: (p.created_at, p.id))
    return PetitionPage(items=[summary_out(p, full=True) for p in items], next_cursor=cursor)


def _filters(stmt: Select[Petition], query: ListQuery) -> Select[Petition]:
    if query.status == "open":
        stmt = stmt.where(Petition.status.not_in(TERMINAL_STATES))
    elif query.status is not None:
        stmt = stmt.where(Petition.status == query.status)
    if query.overdue is not None:
        stmt = stmt.where(
            Petition.overdue_since.is_not(None)
            if query.overdue
            else Petition.overdue_since.is_(None)
        )
    if query.escalated is not None:
        stmt = stmt.where(
            and_(Petition.escalated_to_unit_id.is_not(None))
            if query.escalated
            else Petition.escalated_to_unit_id.is_(None)
        )
    return stmt


async def counts(session: AsyncSession, principal: Principal, query: ListQuery) -> QueueCounts:
    """How many of the petitions the list would show are in each state, escalated, overdue
    (the workbench's tab counts; status and flag filters of `query` are not applied)."""
    stmt = (
        select(
            Petition.status,
            func.count().label("n"),
            func.count(Petition.escalated_to_unit_id).label("escalated"),
            func.count(Petition.overdue_since).label("overdue"),
        )
        .where(*await _whose(session, principal, query))
        .group_by(Petition.status)
    )
    rows = list(await session.execute(stmt))
    by_status = dict.fromkeys(STATES, 0) | {r.status: int(r.n) for r in rows}
    return QueueCounts(
        by_status=by_status,
        open=sum(n for state, n in by_status.items() if state not in TERMINAL_STATES),
        escalated=sum(int(r.escalated) for r in rows),
        overdue=sum(int(r.overdue) for r in rows),
    )
