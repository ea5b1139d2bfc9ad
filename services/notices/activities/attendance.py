"""Attendance at an activity: the rotating code, check-in and out, marks by hand, completion."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import ActivityAttended
from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from kit.states import transition
from services.notices.activities import rules
from services.notices.activities.models import Activity, Participant
from services.notices.activities.service import NOT_FOUND, for_staff, load, place_of
from services.notices.directory.models import Resident
from services.notices.events import publish


def _ensure_running(activity: Activity, now: datetime) -> None:
    """Check-in happens from half an hour before the start to the end; the first one starts it."""
    if activity.status not in ("open", "running") or not rules.checkin_open(
        now, activity.starts_at, activity.ends_at
    ):
        raise Conflict("活动不在签到时间内", field="status", current=activity.status)
    if activity.status == "open":
        activity.status = transition(rules.FLOW, activity.status, "start")


async def current_code(
    *, session: AsyncSession, scope: StaffScope, activity_id: uuid.UUID, key: bytes, now: datetime
) -> tuple[str, datetime, datetime, str]:
    """(code, valid_until, rotates_at, QR payload) for the staff screen."""
    activity = await for_staff(session, scope, activity_id, lock=True)
    _ensure_running(activity, now)
    window = rules.window_of(now)
    code = rules.code_for(key, str(activity.id), window)
    payload = rules.qr_payload(key, str(activity.id), window)
    return code, rules.code_valid_until(window), rules.window_start(window + 1), payload


def _checked_code(key: bytes, activity_id: str, code: str, now: datetime) -> None:
    """Refuse (422 naming `code`) a wrong code, a forged QR payload or an expired window's code."""
    digits = code if code.isdigit() else rules.code_from_qr(key, activity_id, code)
    if digits is None or rules.accepted_window(key, activity_id, digits, now) is None:
        raise Invalid("签到码错误或已过期", field="code")


async def check_in(
    *,
    session: AsyncSession,
    principal: Principal,
    activity_id: uuid.UUID,
    code: str,
    key: bytes,
    now: datetime,
) -> Participant:
    """A signed-up resident at the place. A second check-in changes nothing (200).

    Walk-ins cannot check in themselves: staff mark them by hand, so capacity stays honest.
    """
    activity = await load(session, activity_id, lock=True)
    if principal.community_id != str(activity.community_id):
        raise NotFound(NOT_FOUND)
    _checked_code(key, str(activity.id), code, now)
    _ensure_running(activity, now)
    place = await place_of(session, activity.id, uuid.UUID(principal.sub))
    if place is None or place.status not in rules.PRESENT_STATUSES:
        raise Forbidden("您没有该活动的名额，请联系工作人员登记")
    if place.checked_in_at is None:
        place.checked_in_at = now
    await session.flush()
    return place


async def check_out(
    *,
    session: AsyncSession,
    principal: Principal,
    activity_id: uuid.UUID,
    code: str,
    key: bytes,
    now: datetime,
) -> Participant:
    """Leaving: hours since check-in, to the half hour (the first check-out counts)."""
    activity = await load(session, activity_id, lock=True)
    if principal.community_id != str(activity.community_id):
        raise NotFound(NOT_FOUND)
    _checked_code(key, str(activity.id), code, now)
    _ensure_running(activity, now)
    place = await place_of(session, activity.id, uuid.UUID(principal.sub))
    if place is None or place.checked_in_at is None:
        raise Conflict("尚未签到", field="code")
    if place.checked_out_at is None:
        place.checked_out_at = now
        place.hours = rules.hours_between(place.checked_in_at, now)
    await session.flush()
    return place


async def mark(
    *,
    session: AsyncSession,
    scope: StaffScope,
    activity_id: uuid.UUID,
    resident_id: uuid.UUID,
    hours: float | None,
    now: datetime,
) -> Participant:
    """Staff record someone present by hand (no phone, or a walk-in); hours if they know them."""
    activity = await for_staff(session, scope, activity_id, lock=True)
    if activity.status not in ("open", "running") or now < activity.starts_at - rules.EARLY_CHECKIN:
        raise Conflict("活动未开始或已结束", field="status", current=activity.status)
    if activity.status == "open":
        activity.status = transition(rules.FLOW, activity.status, "start")
    resident = await session.get(Resident, resident_id)
    if resident is None or resident.community_id != activity.community_id:
        raise Invalid("不是本社区的居民", field="resident_id")
    place = await place_of(session, activity.id, resident_id)
    if place is None or place.status in ("waiting", "cancelled"):
        place = await _walk_in(session, activity, place, resident_id)
    place.checked_in_at = place.checked_in_at or min(now, activity.ends_at)
    place.marked_by = uuid.UUID(scope.principal.sub)
    if hours is not None:
        place.hours = rules.round_hours(Decimal(str(hours)))
    await session.flush()
    return place


async def _walk_in(
    session: AsyncSession, activity: Activity, place: Participant | None, resident_id: uuid.UUID
) -> Participant:
    """Someone present without a confirmed place: counted as a walk-in, outside the capacity."""
    activity.next_seq += 1
    if place is None:
        place = Participant(activity_id=activity.id, resident_id=resident_id)
        session.add(place)
    place.seq, place.status = activity.next_seq, "walk_in"
    return place


async def complete(
    *, session: AsyncSession, scope: StaffScope, activity_id: uuid.UUID, now: datetime
) -> tuple[Activity, int]:
    """Close the activity after its end: one `ActivityAttended` per person present."""
    activity = await for_staff(session, scope, activity_id, lock=True)
    if now < activity.ends_at:
        raise Conflict("活动尚未结束", field="ends_at")
    activity.status = transition(rules.FLOW, activity.status, "complete")
    activity.completed_at = now
    stmt = (
        select(Participant)
        .where(Participant.activity_id == activity.id, Participant.checked_in_at.is_not(None))
        .order_by(Participant.seq)
    )
    present = (await session.execute(stmt)).scalars().all()
    for place in present:
        await publish(session, _attended(activity, place), subject=str(place.resident_id))
    await session.flush()
    return activity, len(present)


def _attended(activity: Activity, place: Participant) -> ActivityAttended:
    assert place.checked_in_at is not None
    return ActivityAttended(
        activity_id=str(activity.id),
        activity_type=activity.activity_type,
        resident_id=str(place.resident_id),
        community_id=str(activity.community_id),
        hours=float(place.hours) if place.hours is not None else None,
        attended_at=place.checked_in_at,
    )
