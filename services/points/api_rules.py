"""The points list: /api/points/communities/{id}/rules and /api/points/rules/{id}/publish."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from kit.errors import NotFound
from kit.schemas import EmptyIn
from services.points import rules
from services.points.deps import Now, PointsStaff, Session
from services.points.models import RuleVersion
from services.points.schemas import RuleVersionOut
from services.points.scope import ensure_staff_for

router = APIRouter(tags=["points list"])


def version_out(version: RuleVersion) -> RuleVersionOut:
    return RuleVersionOut(
        id=version.id,
        community_id=version.community_id,
        version=version.version,
        status=version.status,
        effective_from=version.effective_from.isoformat() if version.effective_from else None,
        items=version.items,
    )


@router.get("/communities/{community_id}/rules")
async def rules_in_force(community_id: uuid.UUID, session: Session, now: Now) -> RuleVersionOut:
    """Public: the list residents earn by today."""
    version = await rules.in_force(session, community_id=community_id, at=now)
    if version is None:
        raise NotFound("该社区尚未发布积分清单")
    return version_out(version)


@router.post("/communities/{community_id}/rules", status_code=201)
async def draft_rules(
    community_id: uuid.UUID, body: rules.PointsList, scope: PointsStaff, session: Session
) -> RuleVersionOut:
    await ensure_staff_for(session, scope, community_id)
    version = await rules.draft(
        session, community_id=community_id, body=body, actor=scope.principal.sub
    )
    await session.commit()
    return version_out(version)


@router.post("/rules/{version_id}/publish")
async def publish_rules(
    version_id: uuid.UUID,
    scope: PointsStaff,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> RuleVersionOut:
    version = await rules.get_version(session, version_id)
    await ensure_staff_for(session, scope, version.community_id)
    await rules.publish(session, version_id=version_id, now=now)
    await session.commit()
    return version_out(version)
