"""Activities: organise one, read and list them, sign up and cancel (with the waiting list)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import ActivityCreated
from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from kit.pagination import decode_cursor, keyset_page
from kit.states import transition
from services.notices.activities.models import Activity, Participant
from services.notices.activities.rules import FLOW, signup_deadline
from services.notices.activities.schemas import ActivityCreate
from services.notices.directory import service as directory
from services.notices.events import publish

NOT_FOUND = "活动不存在或无权访问"


def _check_times(body: ActivityCreate) -> None:
    if body.ends_at <= body.starts_at:
        raise Invalid("结束时间必须晚于开始时间", field="ends_at")
    if body.signup_closes_at is not None and body.signup_closes_at > body.ends_at:
        raise Invalid("报名截止时间不能晚于活动结束", field="signup_closes_at")


async def create(*, session: AsyncSession, scope: StaffScope, body: ActivityCreate) -> Activity:
    _check_times(body)
    path = await directory.covered_unit(session, scope, body.community_id)
    activity = Activity(
        **body.model_dump(mode="python"),
        community_path=path,
        status="open",
        confirmed=0,
        next_seq=0,
        created_by=uuid.UUID(scope.principal.sub),
    )
    session.add(activity)
    await session.flush()
    data = ActivityCreated(
        activity_id=str(activity.id),
        community_id=str(activity.community_id),
        activity_type=activity.activity_type,
        title=activity.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
    )
    await publish(session, data, subject=str(activity.id))
    return activity


async def load(session: AsyncSession, activity_id: uuid.UUID, *, lock: bool = False) -> Activity:
    stmt = select(Activity).where(Activity.id == activity_id)
    if lock:
        stmt = stmt.with_for_update()
    activity = (await session.execute(stmt)).scalar_one_or_none()
    if activity is None:
        raise NotFound(NOT_FOUND)
    return activity


def may_see(principal: Principal, activity: Activity) -> bool:
    """Residents of the community, and staff whose units cover it."""
    return principal.community_id == str(activity.community_id) or principal.can_act_on(
        activity.community_path
    )


async def for_staff(
    session: AsyncSession, scope: StaffScope, activity_id: uuid.UUID, *, lock: bool = False
) -> Activity:
    """The activity if the staff member's grants cover its community; 404 otherwise."""
    activity = await load(session, activity_id, lock=lock)
    if not scope.covers(activity.community_path):
        raise NotFound(NOT_FOUND)
    return activity


async def visible(session: AsyncSession, principal: Principal, activity_id: uuid.UUID) -> Activity:
    activity = await load(session, activity_id)
    if not may_see(principal, activity):
        raise NotFound(NOT_FOUND)
    return activity


async def waiting_count(session: AsyncSession, activity_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(
        Participant.activity_id == activity_id, Participant.status == "waiting"
    )
    return int((await session.execute(stmt)).scalar_one())


async def checked_in_count(session: AsyncSession, activity_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(
        Participant.activity_id == activity_id, Participant.checked_in_at.is_not(None)
    )
    return int((await session.execute(stmt)).scalar_one())


async def place_of(
    session: AsyncSession, activity_id: uuid.UUID, resident_id: uuid.UUID
) -> Participant | None:
    stmt = select(Participant).where(
        Participant.activity_id == activity_id, Participant.resident_id == resident_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def places_of(
    session: AsyncSession, activity_ids: list[uuid.UUID], resident_id: uuid.UUID
) -> dict[uuid.UUID, Participant]:
    """The resident's own place in each of these activities (one query for a list page)."""
    if not activity_ids:
        return {}
    stmt = select(Participant).where(
        Participant.activity_id.in_(activity_ids), Participant.resident_id == resident_id
    )
    return {p.activity_id: p for p in (await session.execute(stmt)).scalars()}


async def waiting_position(session: AsyncSession, place: Participant) -> int | None:
    if place.status != "waiting":
        return None
    stmt = select(func.count()).where(
        Participant.activity_id == place.activity_id,
        Participant.status == "waiting",
        Participant.seq <= place.seq,
    )
    return int((await session.execute(stmt)).scalar_one())


async def list_for(
    *,
    session: AsyncSession,
    principal: Principal,
    community_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> tuple[list[Activity], str | None]:
    if principal.community_id != str(community_id):
        # Staff: 404 unless a grant covers the community (no leak of which ones exist).
        await directory.covered_unit(session, StaffScope(principal, ()), community_id)
    stmt = select(Activity).where(Activity.community_id == community_id)
    if cursor:
        at, after = decode_cursor(cursor)
        stmt = stmt.where(tuple_(Activity.starts_at, Activity.id) < tuple_(at, after))
    stmt = stmt.order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(limit + 1)
    rows = (await session.execute(stmt)).scalars().all()
    return keyset_page(list(rows), limit, lambda a: (a.starts_at, a.id))


async def sign_up(
    *, session: AsyncSession, principal: Principal, activity_id: uuid.UUID, now: datetime
) -> tuple[Participant, bool]:
    """A place, or one on the waiting list, taken under the activity's row lock.

    The lock serialises sign-ups of one activity, so the count of confirmed places and the
    arrival sequence are exact however many residents race. Returns (place, newly taken).
    """
    activity = await load(session, activity_id, lock=True)
    if principal.community_id != str(activity.community_id):
        raise NotFound(NOT_FOUND)
    if activity.status != "open" or now >= signup_deadline(
        activity.starts_at, activity.signup_closes_at
    ):
        raise Conflict("报名已截止", field="status", current=activity.status)
    resident_id = uuid.UUID(principal.sub)
    place = await place_of(session, activity.id, resident_id)
    if place is not None and place.status != "cancelled":
        return place, False
    activity.next_seq += 1
    status = "confirmed" if activity.confirmed < activity.capacity else "waiting"
    if status == "confirmed":
        activity.confirmed += 1
    if place is None:
        place = Participant(activity_id=activity.id, resident_id=resident_id)
        session.add(place)
    place.seq, place.status = activity.next_seq, status
    await session.flush()
    return place, True


async def cancel(
    *, session: AsyncSession, principal: Principal, activity_id: uuid.UUID
) -> Participant | None:
    """Give up a place (or a spot in line); a freed place goes to the first waiting.

    Returns the promoted resident's place, if any.
    """
    activity = await load(session, activity_id, lock=True)
    place = await place_of(session, activity.id, uuid.UUID(principal.sub))
    if place is None or place.status not in ("confirmed", "waiting"):
        raise NotFound("未报名该活动")
    if activity.status not in ("open", "running") or place.checked_in_at is not None:
        raise Conflict("活动已开始签到或已结束，不能取消报名", field="status")
    freed = place.status == "confirmed"
    place.status = "cancelled"
    if not freed:
        return None
    activity.confirmed -= 1
    return await _promote_first_waiting(session, activity)


async def cancel_activity(
    *, session: AsyncSession, scope: StaffScope, activity_id: uuid.UUID
) -> Activity:
    """Call an activity off before it is completed; its places are kept as they were."""
    activity = await for_staff(session, scope, activity_id, lock=True)
    activity.status = transition(FLOW, activity.status, "cancel")
    await session.flush()
    return activity


async def _promote_first_waiting(session: AsyncSession, activity: Activity) -> Participant | None:
    stmt = (
        select(Participant)
        .where(Participant.activity_id == activity.id, Participant.status == "waiting")
        .order_by(Participant.seq)
        .limit(1)
    )
    first = (await session.execute(stmt)).scalar_one_or_none()
    if first is not None:
        first.status = "confirmed"
        activity.confirmed += 1
    await session.flush()
    return first
