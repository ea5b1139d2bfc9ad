"""Residents: /api/identity/residents, /me and real-name verification."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kit.deps import CurrentPrincipal, StaffScope, staff
from kit.schemas import EmptyIn
from services.identity import directory, people
from services.identity.deps import Context, Now, Session
from services.identity.passwords import hash_password
from services.identity.schemas import (
    MeOut,
    MeUpdate,
    PersonOut,
    RegisterIn,
    RejectIn,
    ResidentPage,
    VerificationIn,
)
from services.identity.views import me_out, person_out

router = APIRouter(tags=["residents"])
Reviewer = Annotated[StaffScope, Depends(staff(*people.REVIEWERS))]
Lister = Annotated[StaffScope, Depends(staff(*directory.LISTERS))]


@router.post("/residents", status_code=201)
async def register(body: RegisterIn, session: Session, ctx: Context, now: Now) -> PersonOut:
    person = await people.register(
        session=session,
        phone=body.phone,
        password=body.password,
        name=body.name,
        community_id=body.community_id,
        phone_key=ctx.settings.phone_hash_key.get_secret_value(),
        now=now,
    )
    await session.commit()
    return person_out(person)


@router.get("/residents")
async def list_residents(
    scope: Lister,
    session: Session,
    community_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(pattern="^(unverified|pending|verified|rejected)$")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ResidentPage:
    rows, next_cursor = await directory.list_residents(
        session=session,
        principal=scope.principal,
        community_id=community_id,
        q=q,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return ResidentPage(items=[person_out(p) for p in rows], next_cursor=next_cursor)


@router.get("/me")
async def me(principal: CurrentPrincipal, session: Session) -> MeOut:
    person = await people.get_person(session=session, person_id=uuid.UUID(principal.sub))
    return await me_out(session, person)


@router.patch("/me")
async def update_me(
    body: MeUpdate, principal: CurrentPrincipal, session: Session, now: Now
) -> MeOut:
    person = await people.get_person(session=session, person_id=uuid.UUID(principal.sub))
    if body.name is not None and person.verification_status != "verified":
        person.name = body.name  # a verified name is the real name; staff change it
    if body.password is not None:
        person.password_hash = hash_password(body.password)
    if body.community_id is not None:
        await people.change_community(
            session=session, person=person, community_id=body.community_id, now=now
        )
    if body.grid_id is not None:
        await people.choose_grid(session=session, person=person, grid_id=body.grid_id)
    await session.commit()
    return await me_out(session, person)


@router.post("/me/verification", status_code=202)
async def submit_verification(
    body: VerificationIn, principal: CurrentPrincipal, session: Session, ctx: Context
) -> PersonOut:
    person = await people.get_person(session=session, person_id=uuid.UUID(principal.sub))
    await people.submit_verification(
        session=session,
        person=person,
        real_name=body.real_name,
        id_number=body.id_number,
        vault=ctx.vault,
    )
    await session.commit()
    return person_out(person)


@router.post("/residents/{person_id}/verification/approve")
async def approve(
    person_id: uuid.UUID, scope: Reviewer, session: Session, now: Now, body: EmptyIn | None = None
) -> PersonOut:
    person = await people.get_person(session=session, person_id=person_id)
    await people.decide_verification(
        session=session,
        principal=scope.principal,
        person=person,
        approve=True,
        reason=None,
        now=now,
    )
    await session.commit()
    return person_out(person)


@router.post("/residents/{person_id}/verification/reject")
async def reject(
    person_id: uuid.UUID, body: RejectIn, scope: Reviewer, session: Session, now: Now
) -> PersonOut:
    person = await people.get_person(session=session, person_id=person_id)
    await people.decide_verification(
        session=session,
        principal=scope.principal,
        person=person,
        approve=False,
        reason=body.reason,
        now=now,
    )
    await session.commit()
    return person_out(person)
