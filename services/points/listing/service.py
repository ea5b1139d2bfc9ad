"""The points list's service functions: drafting, publishing and finding the version in force,
and each community's settings (its org path for staff scope, publicity days, spending policy,
expiry)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from kit.pagination import decode_cursor, keyset_page
from services.points.base import LOCAL
from services.points.listing.models import CommunitySettings, RuleVersion
from services.points.listing.rules import Item, items_of
from services.points.listing.rules import PointsList as PointsList  # callers draft with it

# --- list versions ---------------------------------------------------------------------------


async def draft(
    session: AsyncSession, *, community_id: uuid.UUID, body: PointsList, actor: str
) -> RuleVersion:
    number = await session.scalar(
        select(func.coalesce(func.max(RuleVersion.version), 0)).where(
            RuleVersion.community_id == community_id
        )
    )
    version = RuleVersion(
        id=uuid.uuid4(),
        community_id=community_id,
        version=int(number or 0) + 1,
        status="draft",
        effective_from=body.effective_from,
        items=[i.model_dump(mode="json") for i in body.items],
        created_by=actor,
    )
    session.add(version)
    await session.flush()
    await session.refresh(version, ["created_at"])  # the database's clock, for the answer
    return version


async def publish(session: AsyncSession, *, version_id: uuid.UUID, now: datetime) -> RuleVersion:
    version = await get_version(session, version_id)
    if version.status != "draft":
        raise Conflict("该版本已发布", field="status")
    version.status = "published"
    version.published_at = now
    version.effective_from = version.effective_from or now.astimezone(LOCAL).date()
    return version


async def get_version(session: AsyncSession, version_id: uuid.UUID) -> RuleVersion:
    version = await session.get(RuleVersion, version_id)
    if version is None:
        raise NotFound("积分清单版本不存在")
    return version


async def versions_page(
    session: AsyncSession, *, community_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[RuleVersion], str | None]:
    """Every version of the community's list, drafts too, newest first (keyset pages)."""
    query = select(RuleVersion).where(RuleVersion.community_id == community_id)
    if cursor:
        query = query.where(
            tuple_(RuleVersion.created_at, RuleVersion.id) < tuple_(*decode_cursor(cursor))
        )
    rows = await session.scalars(
        query.order_by(RuleVersion.created_at.desc(), RuleVersion.id.desc()).limit(limit + 1)
    )
    return keyset_page(list(rows), limit, lambda v: (v.created_at, v.id))


async def in_force(
    session: AsyncSession, *, community_id: uuid.UUID, at: datetime
) -> RuleVersion | None:
    """The published version with the latest effective date on or before the fact's date."""
    day = at.astimezone(LOCAL).date()
    return await session.scalar(
        select(RuleVersion)
        .where(
            RuleVersion.community_id == community_id,
            RuleVersion.status == "published",
            RuleVersion.effective_from <= day,
        )
        .order_by(RuleVersion.effective_from.desc(), RuleVersion.version.desc())
        .limit(1)
    )


async def item_in_force(
    session: AsyncSession, *, community_id: uuid.UUID, code: str, at: datetime, field: str
) -> Item:
    version = await in_force(session, community_id=community_id, at=at)
    item = next((i for i in items_of(version) if i.code == code), None)
    if item is None:
        raise Invalid("积分清单中没有该项目", field=field)
    return item


# --- community settings and staff scope ------------------------------------------------------


async def remember_community(session: AsyncSession, community_id: uuid.UUID, path: str) -> None:
    stmt = pg_insert(CommunitySettings).values(community_id=community_id, path=path)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["community_id"], set_={"path": path})
    )


async def settings_of(session: AsyncSession, community_id: uuid.UUID) -> CommunitySettings:
    """The community's settings row (defaults when points has not heard of it yet)."""
    row = await session.get(CommunitySettings, community_id)
    return row or CommunitySettings(
        community_id=community_id, path=None, publicity_days=3, verified_only_spend=True
    )


async def ensure_staff_for(
    session: AsyncSession, scope: StaffScope, community_id: uuid.UUID
) -> CommunitySettings:
    """404 unless the staff member's grants cover the community (nothing leaks either way)."""
    community = await settings_of(session, community_id)
    path = community.path or _guess_path(scope, community_id)
    if path is None or not scope.covers(path):
        raise NotFound("社区不存在或无权访问")
    return community


def _guess_path(scope: StaffScope, community_id: uuid.UUID) -> str | None:
    """Before any event named the community, a grant on the community itself still counts."""
    suffix = f"/{community_id}"
    return next((g.unit_path for g in scope.principal.roles if g.unit_path.endswith(suffix)), None)


async def write_settings(
    *, session: AsyncSession, community_id: uuid.UUID, values: dict[str, object]
) -> None:
    """Upsert the community's policy (read it back after the commit: the row may be cached)."""
    stmt = pg_insert(CommunitySettings).values(community_id=community_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["community_id"], set_=values))
