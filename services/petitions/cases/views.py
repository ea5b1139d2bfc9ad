"""A petition as each viewer may see it: staff see notes and the author; a neighbour reads
the board's view (masked author, public entries only)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.masking import mask_name
from services.petitions.attachments.models import Attachment
from services.petitions.attachments.service import of_petition
from services.petitions.cases import timeline
from services.petitions.cases.access import Viewer
from services.petitions.cases.models import Petition, Support, TimelineEntry
from services.petitions.cases.rules import allowed_for
from services.petitions.cases.schemas import (
    AttachmentOut,
    EntryOut,
    LocationOut,
    PetitionOut,
    PetitionSummary,
)
from services.petitions.categories.models import Category

ANONYMOUS = "匿名居民"
PREVIEW = 60


def byline(petition: Petition, *, staff_or_author: bool) -> str:
    """The author as shown: masked always; hidden on the board when they asked for it."""
    if petition.anonymous_on_board and not staff_or_author:
        return ANONYMOUS
    return mask_name(petition.author_name)


def entry_out(entry: TimelineEntry) -> EntryOut:
    return EntryOut(
        id=entry.id,
        at=entry.at,
        kind=entry.kind,
        public=entry.public,
        actor_role=entry.actor_role,
        action=entry.action,
        from_status=entry.from_status,
        to_status=entry.to_status,
        text=entry.body,
        progress=entry.progress,
        attachment_ids=entry.attachment_ids,
    )


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
        url=f"/api/petitions/attachments/{attachment.id}",
    )


def visible_attachments(
    attachments: list[Attachment], entries: list[TimelineEntry], petition: Petition, full: bool
) -> list[Attachment]:
    """Staff see every attachment; the author and the board see the author's own and the
    photos of public entries (a staff photo is public once an update or reply shows it)."""
    if full:
        return attachments
    public_ids = {i for e in entries if e.public for i in e.attachment_ids}
    return [
        a for a in attachments if a.uploader_id == petition.author_id or str(a.id) in public_ids
    ]


async def petition_out(
    session: AsyncSession, petition: Petition, viewer: Viewer | None
) -> PetitionOut:
    """`viewer` None is an anonymous reader of the public board."""
    full = viewer is not None and not viewer.board_only
    staff = viewer is not None and viewer.staff_view
    entries = await timeline.entries(session, petition, public_only=not staff)
    attachments = visible_attachments(
        await of_petition(session, petition.id), entries, petition, staff
    )
    category = await session.get(Category, petition.category_id)
    supported = viewer is not None and await _supported(session, petition.id, viewer.principal.sub)
    actors = viewer.actors if viewer is not None else frozenset()
    return PetitionOut(
        id=petition.id,
        community_id=petition.community_id,
        category_id=petition.category_id,
        category_name=category.name if category else "",
        title=petition.title,
        content=petition.content,
        location=LocationOut(lat=petition.lat, long=petition.long, address=petition.address),
        visibility=petition.visibility,
        anonymous_on_board=petition.anonymous_on_board,
        status=petition.status,
        author_id=petition.author_id if full else None,
        author_name=byline(petition, staff_or_author=full),
        assignee_id=petition.assignee_id if full else None,
        assignee_unit_id=petition.assignee_unit_id if full else None,
        progress=petition.progress,
        accept_due_at=petition.accept_due_at,
        resolve_due_at=petition.resolve_due_at,
        overdue=petition.overdue_since is not None,
        escalated_to_unit_id=petition.escalated_to_unit_id if staff else None,
        reopen_count=petition.reopen_count,
        rating=petition.rating,
        rating_comment=petition.rating_comment,
        adopted=petition.adopted_at is not None,
        supports_count=petition.supports_count,
        supported_by_me=supported,
        created_at=petition.created_at,
        updated_at=petition.updated_at,
        allowed_actions=allowed_for(petition.status, actors, reopens=petition.reopen_count),
        attachments=[attachment_out(a) for a in attachments],
        timeline=[entry_out(e) for e in entries],
    )


def summary_out(petition: Petition, *, full: bool) -> PetitionSummary:
    content = petition.content
    return PetitionSummary(
        id=petition.id,
        community_id=petition.community_id,
        category_id=petition.category_id,
        title=petition.title,
        preview=content if len(content) <= PREVIEW else content[:PREVIEW] + "…",
        status=petition.status,
        visibility=petition.visibility,
        author_name=byline(petition, staff_or_author=full),
        assignee_id=petition.assignee_id if full else None,
        overdue=petition.overdue_since is not None,
        escalated_to_unit_id=petition.escalated_to_unit_id if full else None,
        supports_count=petition.supports_count,
        rating=petition.rating,
        accept_due_at=petition.accept_due_at,
        resolve_due_at=petition.resolve_due_at,
        created_at=petition.created_at,
        updated_at=petition.updated_at,
    )


async def _supported(session: AsyncSession, petition_id: uuid.UUID, sub: str) -> bool:
    try:
        resident = uuid.UUID(sub)
    except ValueError:
        return False
    found = await session.scalar(
        select(Support.resident_id).where(
            Support.petition_id == petition_id, Support.resident_id == resident
        )
    )
    return found is not None
