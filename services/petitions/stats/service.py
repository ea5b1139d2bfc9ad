"""The cadre dashboard: per community of a unit, what came in, how fast, how well rated.

Each figure family is one grouped query over the unit's subtree (`community_path` by prefix,
on ix_petitions_path_created) within the period; GROUPING SETS give each community's row and
the unit's total in the same pass, so totals (medians included) are true figures, not sums.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, case, extract, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import NotFound
from services.petitions.cases.models import STATES, Petition
from services.petitions.categories.models import Category
from services.petitions.deadlines.rules import AWAITING_ACCEPTANCE
from services.petitions.deadlines.service import overdue_at
from services.petitions.directory.models import Unit
from services.petitions.stats import rules
from services.petitions.stats.schemas import (
    CategoryCount,
    CommunityFigures,
    CommunityOverdue,
    Dashboard,
    Figures,
    OverdueBoard,
    OverdueCount,
)

TOTAL = None  # the key of the unit's total in a query's rows (the empty grouping set)
Key = uuid.UUID | None


async def unit_path(session: AsyncSession, scope: StaffScope, unit_id: uuid.UUID) -> str:
    """The unit's path if the caller manages it or a unit above; 404 otherwise (no leak)."""
    unit = await session.get(Unit, unit_id)
    path = unit.path if unit is not None else None
    if path is None:
        # Before any event named it, a grant on the unit itself still counts.
        path = next((p for p in scope.unit_paths if p.endswith(f"/{unit_id}")), None)
    if path is None or not scope.covers(path):
        raise NotFound("单位不存在或无权查看")
    return path


def within(path: str) -> ColumnElement[bool]:
    """Petitions of the unit and below. Path segments are UUIDs of one length, so the bare
    prefix matches the unit itself and its subtree and nothing beside it."""
    return Petition.community_path.like(f"{path}%")


async def dashboard(
    *,
    session: AsyncSession,
    scope: StaffScope,
    unit_id: uuid.UUID,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Dashboard:
    path = await unit_path(session, scope, unit_id)
    in_period = and_(within(path), Petition.created_at >= start, Petition.created_at < end)
    statuses = await _statuses(session, in_period)
    categories = await _categories(session, in_period)
    timings = await _timings(session, in_period)
    overdue = await _overdue(session, path, now)
    ids = await _communities(session, path) | {k for k in statuses if k is not None}
    communities = [
        CommunityFigures(
            community_id=cid, **_figures(statuses, categories[cid], timings, overdue, cid)
        )
        for cid in sorted(ids, key=str)
    ]
    every = [(c.name, c.count) for cid in ids for c in categories[cid]]
    total_categories = [CategoryCount(name=n, count=c) for n, c in rules.by_name(every)]
    return Dashboard(
        unit_id=unit_id,
        from_=start,
        to=end,
        communities=communities,
        totals=Figures(**_figures(statuses, total_categories, timings, overdue, TOTAL)),
    )


async def overdue_board(
    *, session: AsyncSession, scope: StaffScope, unit_id: uuid.UUID, now: datetime
) -> OverdueBoard:
    """How many petitions are overdue now in each community of the unit."""
    path = await unit_path(session, scope, unit_id)
    overdue = await _overdue(session, path, now)
    ids = await _communities(session, path) | {k for k in overdue if k is not None}
    return OverdueBoard(
        unit_id=unit_id,
        communities=[
            CommunityOverdue(community_id=cid, **_overdue_counts(overdue, cid))
            for cid in sorted(ids, key=str)
        ],
        totals=OverdueCount(**_overdue_counts(overdue, TOTAL)),
    )


@dataclass(frozen=True)
class Overdue:
    not_accepted: int
    not_resolved: int


def _overdue_counts(overdue: dict[Key, Overdue], key: Key) -> dict[str, int]:
    found = overdue.get(key, Overdue(0, 0))
    return {
        "not_accepted": found.not_accepted,
        "not_resolved": found.not_resolved,
        "overdue_now": found.not_accepted + found.not_resolved,
    }


def _figures(
    statuses: dict[Key, dict[str, int]],
    categories: list[CategoryCount],
    timings: dict[Key, Row[Any]],
    overdue: dict[Key, Overdue],
    key: Key,
) -> dict[str, Any]:
    counts = statuses.get(key, {})
    t = timings.get(key)
    rated = int(t.rated) if t is not None else 0
    return {
        "total": sum(counts.values()),
        "by_status": {state: counts.get(state, 0) for state in STATES},
        "by_category": categories,
        "overdue_now": _overdue_counts(overdue, key)["overdue_now"],
        "median_hours_to_accept": rules.hours(t.accept_s if t is not None else None),
        "median_hours_to_resolve": rules.hours(t.resolve_s if t is not None else None),
        "ratings": rated,
        "satisfaction": rules.share(int(t.happy), rated) if t is not None else None,
        "average_rating": rules.average(t.average if t is not None else None),
        "reopen_rate": rules.share(int(t.reopened), int(t.resolved)) if t is not None else None,
    }


async def _statuses(
    session: AsyncSession, in_period: ColumnElement[bool]
) -> dict[Key, dict[str, int]]:
    stmt = (
        select(Petition.community_id, Petition.status, func.count())
        .where(in_period)
        .group_by(
            func.grouping_sets(
                tuple_(Petition.community_id, Petition.status), tuple_(Petition.status)
            )
        )
    )
    found: dict[Key, dict[str, int]] = defaultdict(dict)
    for cid, status, count in await session.execute(stmt):
        found[cid][status] = int(count)
    return found


async def _categories(
    session: AsyncSession, in_period: ColumnElement[bool]
) -> dict[Key, list[CategoryCount]]:
    count = func.count().label("n")
    stmt = (
        select(Petition.community_id, Category.id, Category.name, count)
        .join(Category, Category.id == Petition.category_id)
        .where(in_period)
        .group_by(Petition.community_id, Category.id, Category.name)
        .order_by(Petition.community_id, count.desc(), Category.name)
    )
    found: dict[Key, list[CategoryCount]] = defaultdict(list)
    for cid, category_id, name, n in await session.execute(stmt):
        found[cid].append(CategoryCount(category_id=category_id, name=name, count=int(n)))
    return found


def _median_seconds(since: Any, until: Any) -> Any:
    seconds = extract("epoch", until - since)
    return func.percentile_cont(0.5).within_group(seconds).filter(until.is_not(None))


async def _timings(session: AsyncSession, in_period: ColumnElement[bool]) -> dict[Key, Row[Any]]:
    stmt = (
        select(
            Petition.community_id,
            _median_seconds(Petition.created_at, Petition.accepted_at).label("accept_s"),
            _median_seconds(Petition.created_at, Petition.resolved_at).label("resolve_s"),
            func.count(Petition.rating).label("rated"),
            func.count().filter(Petition.rating >= rules.HAPPY).label("happy"),
            func.avg(Petition.rating).label("average"),
            func.count().filter(Petition.reopen_count > 0).label("reopened"),
            # Resolved at least once: resolved now or since, or reopened after a resolution.
            func.count()
            .filter((Petition.resolved_at.is_not(None)) | (Petition.reopen_count > 0))
            .label("resolved"),
        )
        .where(in_period)
        .group_by(func.grouping_sets(tuple_(Petition.community_id), tuple_()))
    )
    return {row.community_id: row for row in await session.execute(stmt)}


async def _overdue(session: AsyncSession, path: str, now: datetime) -> dict[Key, Overdue]:
    """Overdue now, whenever submitted: an old overdue matter is the most pressing one."""
    waiting = case((Petition.status.in_(AWAITING_ACCEPTANCE), 1))
    stmt = (
        select(
            Petition.community_id,
            func.count(waiting).label("not_accepted"),
            (func.count() - func.count(waiting)).label("not_resolved"),
        )
        .where(within(path), overdue_at(now))
        .group_by(func.grouping_sets(tuple_(Petition.community_id), tuple_()))
    )
    rows = await session.execute(stmt)
    return {r.community_id: Overdue(int(r.not_accepted), int(r.not_resolved)) for r in rows}


async def _communities(session: AsyncSession, path: str) -> set[uuid.UUID]:
    """The communities known in the unit's subtree, shown even with nothing in the period."""
    stmt = select(Unit.id).where(Unit.is_community, Unit.path.like(f"{path}%"))
    return set((await session.scalars(stmt)).all())
