"""Activities: /api/activities (served by notices, mounted at /api; the gateway aliases it)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import CurrentPrincipal, VerifiedResident
from services.notices.activities import attendance, roster, service
from services.notices.activities.models import Activity, Participant
from services.notices.activities.schemas import (
    ActivityCreate,
    ActivityOut,
    ActivityPage,
    AttendanceIn,
    AttendanceOut,
    CheckinCode,
    CheckinIn,
    CompletionOut,
    MySignup,
    ParticipantPage,
    SignupOut,
)
from services.notices.deps import NoticeManager, Now, Session

router = APIRouter(prefix="/activities", tags=["activities"])


def checkin_key(request: Request) -> bytes:
    """The check-in codes' key, derived from the service's secret (never the secret itself)."""
    secret = request.app.state.runtime.settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"notices/activity-checkin", hashlib.sha256).digest()


CheckinKey = Annotated[bytes, Depends(checkin_key)]


def _out(
    activity: Activity, waiting: int, mine: MySignup | None = None, checked_in: int = 0
) -> ActivityOut:
    out = ActivityOut.model_validate(activity)
    return out.model_copy(update={"waiting": waiting, "my_signup": mine, "checked_in": checked_in})


async def _my_places(
    session: AsyncSession, sub: str, activity_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Participant]:
    try:
        resident_id = uuid.UUID(sub)
    except ValueError:  # a service principal has no places
        return {}
    return await service.places_of(session, activity_ids, resident_id)


async def _mine(session: AsyncSession, place: Participant | None) -> MySignup | None:
    """The caller's own sign-up as residents see it: status, waiting position, check-in."""
    if place is None:
        return None
    return MySignup(
        status=place.status,
        seq=place.seq,
        waiting_position=await service.waiting_position(session, place),
        checked_in_at=place.checked_in_at,
    )


def _attendance(place: Participant) -> AttendanceOut:
    return AttendanceOut(
        activity_id=place.activity_id,
        resident_id=place.resident_id,
        status=place.status,
        checked_in_at=place.checked_in_at,
        checked_out_at=place.checked_out_at,
        hours=float(place.hours) if place.hours is not None else None,
    )


@router.post("", status_code=201, response_model=ActivityOut)
async def organise(body: ActivityCreate, scope: NoticeManager, session: Session) -> ActivityOut:
    activity = await service.create(session=session, scope=scope, body=body)
    out = _out(activity, 0)
    await session.commit()
    return out


@router.get("", response_model=ActivityPage)
async def list_activities(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ActivityPage:
    rows, next_cursor = await service.list_for(
        session=session, principal=principal, community_id=community_id, cursor=cursor, limit=limit
    )
    places = await _my_places(session, principal.sub, [a.id for a in rows])
    items = [
        _out(a, await service.waiting_count(session, a.id), await _mine(session, places.get(a.id)))
        for a in rows
    ]
    return ActivityPage(items=items, next_cursor=next_cursor)


@router.get("/{activity_id}", response_model=ActivityOut)
async def read(
    activity_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> ActivityOut:
    activity = await service.visible(session, principal, activity_id)
    place = await service.place_of(session, activity.id, uuid.UUID(principal.sub))
    mine = await _mine(session, place)
    waiting = await service.waiting_count(session, activity.id)
    return _out(activity, waiting, mine, await service.checked_in_count(session, activity.id))


@router.get("/{activity_id}/participants", response_model=ParticipantPage)
async def participants(
    activity_id: uuid.UUID,
    scope: NoticeManager,
    session: Session,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ParticipantPage:
    return await roster.roster(
        session=session, scope=scope, activity_id=activity_id, cursor=cursor, limit=limit
    )


@router.post("/{activity_id}/signup", response_model=SignupOut, status_code=201)
async def sign_up(
    activity_id: uuid.UUID, resident: VerifiedResident, session: Session, now: Now
) -> SignupOut | JSONResponse:
    place, new = await service.sign_up(
        session=session, principal=resident, activity_id=activity_id, now=now
    )
    out = SignupOut(
        activity_id=place.activity_id,
        resident_id=place.resident_id,
        status=place.status,
        seq=place.seq,
        waiting_position=await service.waiting_position(session, place),
    )
    await session.commit()
    # Signing up twice is not an error: the same place, 200 instead of 201.
    return out if new else JSONResponse(out.model_dump(mode="json"), status_code=200)


@router.delete("/{activity_id}/signup", status_code=204)
async def cancel_signup(
    activity_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> Response:
    await service.cancel(session=session, principal=principal, activity_id=activity_id)
    await session.commit()
    return Response(status_code=204)


@router.get("/{activity_id}/checkin-code", response_model=CheckinCode)
async def checkin_code(
    activity_id: uuid.UUID, scope: NoticeManager, session: Session, now: Now, key: CheckinKey
) -> CheckinCode:
    code, valid_until, rotates_at, payload = await attendance.current_code(
        session=session, scope=scope, activity_id=activity_id, key=key, now=now
    )
    await session.commit()
    return CheckinCode(
        code=code, valid_until=valid_until, rotates_at=rotates_at, qr_payload=payload
    )


@router.post("/{activity_id}/checkin", response_model=AttendanceOut)
async def check_in(
    activity_id: uuid.UUID,
    body: CheckinIn,
    resident: VerifiedResident,
    session: Session,
    now: Now,
    key: CheckinKey,
) -> AttendanceOut:
    place = await attendance.check_in(
        session=session,
        principal=resident,
        activity_id=activity_id,
        code=body.code,
        key=key,
        now=now,
    )
    out = _attendance(place)
    await session.commit()
    return out


@router.post("/{activity_id}/checkout", response_model=AttendanceOut)
async def check_out(
    activity_id: uuid.UUID,
    body: CheckinIn,
    resident: VerifiedResident,
    session: Session,
    now: Now,
    key: CheckinKey,
) -> AttendanceOut:
    place = await attendance.check_out(
        session=session,
        principal=resident,
        activity_id=activity_id,
        code=body.code,
        key=key,
        now=now,
    )
    out = _attendance(place)
    await session.commit()
    return out


@router.post("/{activity_id}/attendance", response_model=AttendanceOut)
async def mark_attendance(
    activity_id: uuid.UUID, body: AttendanceIn, scope: NoticeManager, session: Session, now: Now
) -> AttendanceOut:
    place = await attendance.mark(
        session=session,
        scope=scope,
        activity_id=activity_id,
        resident_id=body.resident_id,
        hours=body.hours,
        now=now,
    )
    out = _attendance(place)
    await session.commit()
    return out


@router.post("/{activity_id}/complete", response_model=CompletionOut)
async def complete(
    activity_id: uuid.UUID, scope: NoticeManager, session: Session, now: Now
) -> CompletionOut:
    activity, attendees = await attendance.complete(
        session=session, scope=scope, activity_id=activity_id, now=now
    )
    await session.commit()
    return CompletionOut(id=activity.id, status=activity.status, attendees=attendees)


@router.post("/{activity_id}/cancel", response_model=ActivityOut)
async def cancel_activity(
    activity_id: uuid.UUID, scope: NoticeManager, session: Session
) -> ActivityOut:
    activity = await service.cancel_activity(session=session, scope=scope, activity_id=activity_id)
    out = _out(activity, await service.waiting_count(session, activity.id))
    await session.commit()
    return out
