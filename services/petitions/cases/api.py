"""Petitions: /api/petitions — raise, read, list, the public board, supports.

Actions live in cases/actions_api.py (one route per action, each with its own body).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from kit import idempotency
from kit.auth import Principal
from kit.deps import CurrentPrincipal, OptionalPrincipal, VerifiedResident
from kit.errors import Forbidden, Invalid
from services.petitions.cases import access, board, reads, supports, views
from services.petitions.cases.reads import ListQuery, StatusFilter
from services.petitions.cases.schemas import (
    PetitionCreate,
    PetitionOut,
    PetitionPage,
    QueueCounts,
    SupportOut,
)
from services.petitions.cases.service import Draft, submit
from services.petitions.categories import rules as category_rules
from services.petitions.categories import service as categories
from services.petitions.deps import Now, Session
from services.petitions.directory import service as directory

router = APIRouter(tags=["petitions"])
IdempotencyKey = idempotency.KeyHeader


@router.post("", status_code=201, response_model=PetitionOut)
async def raise_petition(
    body: PetitionCreate,
    resident: VerifiedResident,
    session: Session,
    now: Now,
    key: IdempotencyKey = None,
) -> PetitionOut | JSONResponse:
    scope = f"submit:{resident.sub}"
    if key is not None:
        stored = await idempotency.claim(session, scope=scope, key=key, request=body)
        if stored is not None:
            return stored.response()
    if resident.community_id != str(body.community_id):
        raise Forbidden("只能向本人所在社区提出诉求", field="community_id")
    path = await directory.community_path(session, body.community_id)
    if path is None:
        raise Invalid("社区信息尚未同步，请稍后再试", field="community_id")
    category = await categories.for_petition(
        session=session,
        category_id=body.category_id,
        community_id=body.community_id,
        field="category_id",
    )
    draft = Draft(
        community_id=body.community_id,
        community_path=path,
        category=category,
        title=body.title,
        content=body.content,
        lat=body.location.lat,
        long=body.location.long,
        address=body.location.address,
        visibility=body.visibility,
        anonymous_on_board=body.anonymous_on_board,
        attributes=category_rules.check_answers(category.attributes, body.attributes),
    )
    person = await directory.resident_or_none(session, uuid.UUID(resident.sub))
    petition = await submit(
        session=session,
        draft=draft,
        author_id=uuid.UUID(resident.sub),
        author_name=person.name if person else (resident.name or "居民"),
        now=now,
    )
    viewer = access.viewer_of(resident, petition)
    answer = await views.petition_out(session, petition, viewer)
    if key is not None:
        await idempotency.complete(
            session, scope=scope, key=key, status=201, body=answer.model_dump(mode="json")
        )
    await session.commit()
    return answer


@router.get("")
async def list_petitions(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID | None = None,
    status: StatusFilter | None = None,
    category_id: uuid.UUID | None = None,
    assignee: Annotated[str | None, Query(pattern="^me$")] = None,
    mine: bool = False,
    overdue: bool | None = None,
    escalated: bool | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PetitionPage:
    """Mine (`mine=true`), assigned to me (`assignee=me`), or the staff queue of my units."""
    query = ListQuery(
        community_id=community_id,
        status=status,
        category_id=category_id,
        mine=mine,
        assigned_to_me=assignee == "me",
        overdue=overdue,
        escalated=escalated,
        cursor=cursor,
        limit=limit,
    )
    return await reads.page(session, principal, query)


@router.get("/counts")
async def queue_counts(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
    assignee: Annotated[str | None, Query(pattern="^me$")] = None,
) -> QueueCounts:
    """The workbench's tab counts: the staff queue (or `assignee=me`) by state, escalated and
    overdue, over the same scope and filters as the list."""
    query = ListQuery(
        community_id=community_id,
        status=None,
        category_id=category_id,
        mine=False,
        assigned_to_me=assignee == "me",
        overdue=None,
        escalated=None,
        cursor=None,
        limit=1,
    )
    return await reads.counts(session, principal, query)


@router.get("/public")
async def public_board(
    session: Session,
    principal: OptionalPrincipal,
    community_id: uuid.UUID,
    sort: board.Sort = "latest",
    category_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> board.BoardPage:
    """Open to anyone, signed in or not: the community's public petitions from acceptance on.
    A signed-in reader also learns which of them they support (`supported_by_me`)."""
    return await board.board_page(
        session,
        community_id=community_id,
        sort=sort,
        category_id=category_id,
        cursor=cursor,
        limit=limit,
        reader=_resident_id(principal),
    )


@router.get("/public/{petition_id}")
async def public_petition(petition_id: uuid.UUID, session: Session) -> PetitionOut:
    petition = await board.board_petition(session, petition_id)
    return await views.petition_out(session, petition, None)


@router.get("/{petition_id}")
async def read_petition(
    petition_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> PetitionOut:
    petition, viewer = await access.load(session, principal, petition_id)
    return await views.petition_out(session, petition, viewer)


@router.post("/{petition_id}/support")
async def support_petition(
    petition_id: uuid.UUID, resident: VerifiedResident, session: Session, now: Now
) -> SupportOut:
    answer = await supports.support(
        session=session, principal=resident, petition_id=petition_id, now=now
    )
    await session.commit()
    return answer


@router.delete("/{petition_id}/support")
async def withdraw_support(
    petition_id: uuid.UUID, resident: VerifiedResident, session: Session
) -> SupportOut:
    answer = await supports.withdraw(session=session, principal=resident, petition_id=petition_id)
    await session.commit()
    return answer


def _resident_id(principal: Principal | None) -> uuid.UUID | None:
    if principal is None:
        return None
    try:
        return uuid.UUID(principal.sub)
    except ValueError:  # a service principal supports nothing
        return None
