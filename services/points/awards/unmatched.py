"""Unmatched volunteer activities: the open ones of a community, and staff's decision on one
(map it to an item of the list, which awards it, or dismiss it with a reason)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.volunteer import ActivityCompleted
from kit.deps import StaffScope
from kit.errors import Conflict, NotFound
from kit.events import CloudEvent
from kit.states import transition
from services.points.awards import volunteer
from services.points.awards.models import UnmatchedActivity
from services.points.awards.rules import UNMATCHED_DONE, UNMATCHED_FLOW, check_resolution
from services.points.listing import service as listing


async def list_open(
    *, session: AsyncSession, staff: StaffScope, community_id: uuid.UUID
) -> list[UnmatchedActivity]:
    await listing.ensure_staff_for(session, staff, community_id)
    rows = await session.scalars(
        select(UnmatchedActivity)
        .where(UnmatchedActivity.community_id == community_id, UnmatchedActivity.status == "open")
        .order_by(UnmatchedActivity.created_at)
    )
    return list(rows)


async def resolve(
    *,
    session: AsyncSession,
    staff: StaffScope,
    unmatched_id: uuid.UUID,
    action: str,
    item_code: str | None,
    reason: str | None,
) -> UnmatchedActivity:
    """Map (award the activity by `item_code`) or dismiss (with `reason`); once per row."""
    row = await session.get(UnmatchedActivity, unmatched_id, with_for_update=True)
    if row is None or row.community_id is None:
        raise NotFound("未匹配记录不存在")
    await listing.ensure_staff_for(session, staff, row.community_id)
    after = transition(UNMATCHED_FLOW, row.status, action, detail=UNMATCHED_DONE)
    check_resolution(action, item_code=item_code, reason=reason)
    if item_code is not None and action == "map":
        await _award_as(session, row, item_code)
        row.resolution = item_code
    else:
        row.resolution = reason
    row.status, row.resolved_by = after, staff.principal.sub
    return row


async def _award_as(session: AsyncSession, row: UnmatchedActivity, item_code: str) -> None:
    """Award the parked push by the item in force on the day of the activity."""
    envelope = CloudEvent.model_validate(row.envelope)
    data = ActivityCompleted.model_validate(envelope.data)
    assert row.community_id is not None
    item = await listing.item_in_force(
        session,
        community_id=row.community_id,
        code=item_code,
        at=data.completed_at,
        field="item_code",
    )
    wallet = await volunteer.find_wallet(session, data)
    if wallet is None:
        raise Conflict("志愿者尚未注册", field="item_code")
    await volunteer.apply_activity(session, envelope=envelope, data=data, wallet=wallet, item=item)
