"""The points list and community policy: /api/points/communities/{id}/rules,
/api/points/rules/{id}/publish and /api/points/communities/{id}/settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kit.deps import StaffScope, staff
from kit.errors import NotFound
from kit.schemas import EmptyIn
from services.points.deps import Now, PointsStaff, Session
from services.points.listing import service
from services.points.listing.rules import PointsList
from services.points.listing.schemas import (
    CommunitySettingsIn,
    CommunitySettingsOut,
    RuleVersionOut,
    RuleVersionPage,
)

rules_router = APIRouter(tags=["points list"])
settings_router = APIRouter(tags=["community settings"])
Admin = Annotated[StaffScope, Depends(staff("district_admin", "community_admin"))]


@rules_router.get("/communities/{community_id}/rules")
async def rules_in_force(community_id: uuid.UUID, session: Session, now: Now) -> RuleVersionOut:
    """Public: the list residents earn by today."""
    version = await service.in_force(session, community_id=community_id, at=now)
    if version is None:
        raise NotFound("该社区尚未发布积分清单")
    return RuleVersionOut.of(version)


@rules_router.get("/communities/{community_id}/rules/versions")
async def rule_versions(
    community_id: uuid.UUID,
    scope: PointsStaff,
    session: Session,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> RuleVersionPage:
    """Staff: the community's versions, drafts and published, newest first."""
    await service.ensure_staff_for(session, scope, community_id)
    rows, next_cursor = await service.versions_page(
        session, community_id=community_id, cursor=cursor, limit=limit
    )
    return RuleVersionPage(items=[RuleVersionOut.of(v) for v in rows], next_cursor=next_cursor)


@rules_router.get("/rules/{version_id}")
async def read_version(
    version_id: uuid.UUID, scope: PointsStaff, session: Session
) -> RuleVersionOut:
    """Staff: one version of their community's list (a draft before it is published)."""
    version = await service.get_version(session, version_id)
    await service.ensure_staff_for(session, scope, version.community_id)
    return RuleVersionOut.of(version)


@rules_router.post("/communities/{community_id}/rules", status_code=201)
async def draft_rules(
    community_id: uuid.UUID, body: PointsList, scope: PointsStaff, session: Session
) -> RuleVersionOut:
    await service.ensure_staff_for(session, scope, community_id)
    version = await service.draft(
        session, community_id=community_id, body=body, actor=scope.principal.sub
    )
    await session.commit()
    return RuleVersionOut.of(version)


@rules_router.post("/rules/{version_id}/publish")
async def publish_rules(
    version_id: uuid.UUID,
    scope: PointsStaff,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> RuleVersionOut:
    version = await service.get_version(session, version_id)
    await service.ensure_staff_for(session, scope, version.community_id)
    await service.publish(session, version_id=version_id, now=now)
    await session.commit()
    return RuleVersionOut.of(version)


@settings_router.get("/communities/{community_id}/settings")
async def read_settings(community_id: uuid.UUID, session: Session) -> CommunitySettingsOut:
    """Public: residents may see how long notices run and whether points expire."""
    return CommunitySettingsOut.of(await service.settings_of(session, community_id))


@settings_router.put("/communities/{community_id}/settings")
async def write_settings(
    community_id: uuid.UUID, body: CommunitySettingsIn, scope: Admin, session: Session
) -> CommunitySettingsOut:
    await service.ensure_staff_for(session, scope, community_id)
    await service.write_settings(
        session=session, community_id=community_id, values=body.model_dump()
    )
    await session.commit()
    return CommunitySettingsOut.of(await service.settings_of(session, community_id))
