"""The cadre dashboard: per community of a unit, what came in, how fast, how well rated.

Each figure family (counts, speed and ratings; categories; overdue now) is one grouped query
over the unit's subtree (`community_path` by prefix, on ix_petitions_path_created) within the
period; GROUPING SETS give each community's row and the unit's total in the same pass, so
totals (medians included) are true figures, not sums of communities' figures.
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
    figures = await _figures_by_community(session, in_period)
    categories = await _categories(session, in_period)
    overdue = await _overdue(session, path, now)
    ids = await _communities(session, path) | {k for k in figures if k is not None}
    communities = [
        CommunityFigures(community_id=cid, **_figures(figures, categories[cid], overdue, cid))
        for cid in sorted(ids, key=str)
    ]
    every = [(c.name, c.count) for cid in ids for c in categories[cid]]
    total_categories = [CategoryCount(name=n, count=c) for n, c in rules.by_name(every)]
    return Dashboard(
        unit_id=unit_id,
        from_=start,
        to=end,
        communities=communities,
        totals=Figures(**_figures(figures, total_categories, overdue, TOTAL)),
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
    figures: dict[Key, Row[Any]],
    categories: list[CategoryCount],
    overdue: dict[Key, Overdue],
    key: Key,
) -> dict[str, Any]:
    f = figures.get(key)
    if f is None:  # a community with nothing in the period
        return _nothing(categories, overdue, key)
    by_status = {state: int(f._mapping[state]) for state in STATES}
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_category": categories,
        "overdue_now": _overdue_counts(overdue, key)["overdue_now"],
        "median_hours_to_accept": rules.hours(f.accept_s),
        "median_hours_to_resolve": rules.hours(f.resolve_s),
        "ratings": int(f.rated),
        "satisfaction": rules.share(int(f.happy), int(f.rated)),
        "average_rating": rules.average(f.average),
        "reopen_rate": rules.share(int(f.reopened_ever), int(f.resolved_ever)),
    }


def _nothing(
    categories: list[CategoryCount], overdue: dict[Key, Overdue], key: Key
) -> dict[str, Any]:
    return {
        "total": 0,
        "by_status": dict.fromkeys(STATES, 0),
        "by_category": categories,
        "overdue_now": _overdue_counts(overdue, key)["overdue_now"],
        "median_hours_to_accept": None,
        "median_hours_to_resolve": None,
        "ratings": 0,
        "satisfaction": None,
        "average_rating": None,
        "reopen_rate": None,
    }


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


async def _figures_by_community(
    session: AsyncSession, in_period: ColumnElement[bool]
) -> dict[Key, Row[Any]]:
    """Counts by status, medians, ratings and reopenings: one pass over the period's rows."""
    by_status = [func.count().filter(Petition.status == state).label(state) for state in STATES]
    stmt = (
        select(
            Petition.community_id,
            *by_status,
            _median_seconds(Petition.created_at, Petition.accepted_at).label("accept_s"),
            _median_seconds(Petition.created_at, Petition.resolved_at).label("resolve_s"),
            func.count(Petition.rating).label("rated"),
            func.count().filter(Petition.rating >= rules.HAPPY).label("happy"),
            func.avg(Petition.rating).label("average"),
            func.count().filter(Petition.reopen_count > 0).label("reopened_ever"),
            # Resolved at least once: resolved now or since, or reopened after a resolution.
            func.count()
            .filter((Petition.resolved_at.is_not(None)) | (Petition.reopen_count > 0))
            .label("resolved_ever"),
        )
        .where(in_period)
        .group_by(func.grouping_sets(tuple_(Petition.community_id), tuple_()))
    )
    rows: list[Row[Any]] = list(await session.execute(stmt))
    return {row.community_id: row for row in rows}


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
