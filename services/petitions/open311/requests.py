"""Reading service requests for Open311: only what the public board shows, never an author."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import NotFound
from services.petitions.attachments.models import Attachment
from services.petitions.cases.access import on_board
from services.petitions.cases.models import Petition, TimelineEntry
from services.petitions.cases.rules import BOARD_STATES
from services.petitions.categories.models import Category
from services.petitions.open311 import rules
from services.petitions.open311.models import Open311Request

NOT_FOUND = "service_request_id 不存在或未公开"
NOTE_KINDS = ("reply", "status")


@dataclass(frozen=True)
class RequestQuery:
    ids: list[uuid.UUID] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)


async def find(
    *, session: AsyncSession, community_id: uuid.UUID, query: RequestQuery, now: datetime
) -> list[dict[str, Any]]:
    """The jurisdiction's board petitions by the spec's filters, newest first, at most 1000.
    `service_request_id` overrides the other filters, as the spec says."""
    stmt = select(Petition).where(
        Petition.community_id == community_id,
        Petition.visibility == "public",
        Petition.status.in_(BOARD_STATES),
    )
    if query.ids:
        stmt = stmt.where(Petition.id.in_(query.ids))
    else:
        start, end = rules.date_range(query.start, query.end, now)
        stmt = stmt.where(Petition.created_at >= start, Petition.created_at <= end)
        if query.service_codes:
            codes = select(Category.id).where(
                Category.community_id == community_id,
                Category.service_code.in_(query.service_codes),
            )
            stmt = stmt.where(Petition.category_id.in_(codes))
        if query.statuses:
            stmt = stmt.where(Petition.status.in_(rules.states_for(query.statuses)))
    stmt = stmt.order_by(Petition.created_at.desc(), Petition.id.desc())
    rows = await session.scalars(stmt.limit(rules.MAX_REQUESTS))
    return await describe(session, [p for p in rows if on_board(p)])


async def one(
    *, session: AsyncSession, petition_id: uuid.UUID, community_id: uuid.UUID | None
) -> list[dict[str, Any]]:
    """One board petition (the jurisdiction is inferred from it when not given)."""
    petition = await session.get(Petition, petition_id)
    if (
        petition is None
        or not on_board(petition)
        or (community_id is not None and petition.community_id != community_id)
    ):
        raise NotFound(NOT_FOUND, field="service_request_id")
    return await describe(session, [petition])


async def describe(session: AsyncSession, petitions: Sequence[Petition]) -> list[dict[str, Any]]:
    ids = [p.id for p in petitions]
    if not ids:
        return []
    categories = {
        c.id: c
        for c in await session.scalars(
            select(Category).where(Category.id.in_({p.category_id for p in petitions}))
        )
    }
    notes = await _status_notes(session, ids)
    media = await _media_urls(session, petitions)
    return [
        request_out(p, categories[p.category_id], notes.get(p.id), media.get(p.id))
        for p in petitions
    ]


def request_out(
    petition: Petition, category: Category, note: str | None, media_url: str | None
) -> dict[str, Any]:
    """A service request as the spec lists it: no author, no private note, no attribute."""
    return {
        "service_request_id": str(petition.id),
        "status": rules.status_of(petition.status),
        "status_notes": note,
        "service_name": category.name,
        "service_code": category.service_code,
        "description": petition.content,
        "agency_responsible": rules.agency_of(
            escalated=petition.escalated_to_unit_id is not None,
            assignee_unit=petition.assignee_unit_id is not None,
            assignee=petition.assignee_id is not None,
        ),
        "service_notice": None,
        "requested_datetime": rules.w3c(petition.created_at),
        "updated_datetime": rules.w3c(petition.updated_at),
        "expected_datetime": rules.w3c(petition.resolve_due_at),
        "address": petition.address,
        "address_id": None,
        "zipcode": None,
        "lat": petition.lat,
        "long": petition.long,
        "media_url": media_url,
    }


async def _status_notes(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The last public reply or status note with words, per petition."""
    rows = await session.execute(
        select(TimelineEntry.petition_id, TimelineEntry.body)
        .where(
            TimelineEntry.petition_id.in_(ids),
            TimelineEntry.public,
            TimelineEntry.body.is_not(None),
            TimelineEntry.kind.in_(NOTE_KINDS),
        )
        .order_by(TimelineEntry.petition_id, TimelineEntry.at.desc(), TimelineEntry.seq.desc())
        .ext(distinct_on(TimelineEntry.petition_id))
    )
    return {pid: body for pid, body in rows if body}


async def _media_urls(session: AsyncSession, petitions: Sequence[Petition]) -> dict[uuid.UUID, str]:
    """The partner's media_url if it sent one, else the author's first photo (the board
    shows the author's photos of a public petition)."""
    ids = [p.id for p in petitions]
    sent = await session.execute(
        select(Open311Request.petition_id, Open311Request.media_url).where(
            Open311Request.petition_id.in_(ids), Open311Request.media_url.is_not(None)
        )
    )
    urls: dict[uuid.UUID, str] = {pid: url for pid, url in sent if url}
    authors = {p.id: p.author_id for p in petitions}
    photos = await session.execute(
        select(Attachment.petition_id, Attachment.id, Attachment.uploader_id)
        .where(Attachment.petition_id.in_(ids))
        .order_by(Attachment.petition_id, Attachment.created_at, Attachment.id)
    )
    for pid, attachment_id, uploader in photos:
        if pid not in urls and uploader == authors[pid]:
            urls[pid] = f"/api/petitions/attachments/{attachment_id}"
    return urls
