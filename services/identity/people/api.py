"""Residents: /api/identity/residents, /me and real-name verification."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kit.deps import CurrentPrincipal, StaffScope, staff
from kit.schemas import EmptyIn
from services.identity.auth import service as auth
from services.identity.deps import Context, LoginSession, Now, Session
from services.identity.people import directory, service
from services.identity.people.models import Person
from services.identity.people.rules import LISTERS, REVIEWERS
from services.identity.people.schemas import (
    MeOut,
    MeUpdate,
    PersonOut,
    RegisterIn,
    RejectIn,
    ResidentPage,
    VerificationIn,
    me_out,
    person_out,
    review_item_out,
)
from services.identity.roles.claims import role_claims

router = APIRouter(tags=["residents"])
Reviewer = Annotated[StaffScope, Depends(staff(*REVIEWERS))]
Lister = Annotated[StaffScope, Depends(staff(*LISTERS))]


async def _me(session: Session, person: Person) -> MeOut:
    return me_out(person, await role_claims(session=session, person_id=person.id))


@router.post("/residents", status_code=201)
async def register(body: RegisterIn, session: Session, ctx: Context, now: Now) -> PersonOut:
    person = await service.register(
        session=session,
        phone=body.phone,
        password=body.password,
        name=body.name,
        community_id=body.community_id,
        phone_key=ctx.settings.phone_hash_key.get_secret_value(),
        now=now,
    )
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
    conflicts = await directory.shared_id_numbers(session=session, people=rows)
    items = [review_item_out(p, conflicts) for p in rows]
    return ResidentPage(items=items, next_cursor=next_cursor)


@router.get("/me")
async def me(principal: CurrentPrincipal, session: Session) -> MeOut:
    person = await service.get_person(session=session, person_id=uuid.UUID(principal.sub))
    return await _me(session, person)


@router.patch("/me")
async def update_me(
    body: MeUpdate,
    principal: CurrentPrincipal,
    login_session: LoginSession,
    session: Session,
    ctx: Context,
    now: Now,
) -> MeOut:
    person = await service.get_person(session=session, person_id=uuid.UUID(principal.sub))
    if body.password is not None:
        await auth.change_password(
            session=session,
            ctx=ctx,
            person=person,
            current_password=body.current_password,
            new_password=body.password,
            keep_session=login_session,
            now=now,
        )
    await service.update_profile(
        session=session,
        person=person,
        name=body.name,
        community_id=body.community_id,
        grid_id=body.grid_id,
        now=now,
    )
    return await _me(session, person)


@router.post("/me/verification", status_code=202)
async def submit_verification(
    body: VerificationIn, principal: CurrentPrincipal, session: Session, ctx: Context
) -> PersonOut:
    person = await service.get_person(session=session, person_id=uuid.UUID(principal.sub))
    await service.submit_verification(
        session=session,
        person=person,
        real_name=body.real_name,
        id_number=body.id_number,
        vault=ctx.vault,
        throttle=ctx.throttle,
        limits=ctx.settings.verification_limit_per_person,
    )
    return person_out(person)


@router.post("/residents/{person_id}/verification/approve")
async def approve(
    person_id: uuid.UUID,
    scope: Reviewer,
    session: Session,
    ctx: Context,
    now: Now,
    body: EmptyIn | None = None,
) -> PersonOut:
    person = await service.get_person(session=session, person_id=person_id)
    await service.decide_verification(
        session=session,
        principal=scope.principal,
        person=person,
        approve=True,
        reason=None,
        phone_key=ctx.settings.phone_hash_key.get_secret_value(),
        now=now,
    )
    return person_out(person)


@router.post("/residents/{person_id}/verification/reject")
async def reject(
    person_id: uuid.UUID, body: RejectIn, scope: Reviewer, session: Session, ctx: Context, now: Now
) -> PersonOut:
    person = await service.get_person(session=session, person_id=person_id)
    await service.decide_verification(
        session=session,
        principal=scope.principal,
        person=person,
        approve=False,
        reason=body.reason,
        phone_key=ctx.settings.phone_hash_key.get_secret_value(),
        now=now,
    )
    return person_out(person)
