"""Attachments of a petition: stored through kit.storage, served to those who may see them."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.content_types import check_image, require_type
from kit.errors import Conflict, Invalid, NotFound
from kit.storage import Storage, StoredObjectMissing, new_key, stored_for_commit
from services.petitions.attachments import rules
from services.petitions.attachments.models import Attachment
from services.petitions.cases import access
from services.petitions.cases.access import Viewer
from services.petitions.cases.models import Petition, TimelineEntry
from services.petitions.cases.rules import TERMINAL_STATES

log = logging.getLogger("petitions.attachments")

NOT_FOUND = "图片不存在或无权查看"


async def check_photos(
    session: AsyncSession,
    *,
    petition_id: uuid.UUID,
    uploader_id: uuid.UUID,
    ids: Sequence[uuid.UUID],
    field: str,
) -> list[str]:
    """The ids, as strings, if each is an attachment of this petition uploaded by `uploader_id`
    (a progress update or a reply shows only photos its writer uploaded); Invalid otherwise."""
    if not ids:
        return []
    rows = await session.scalars(
        select(Attachment.id).where(
            Attachment.id.in_(ids),
            Attachment.petition_id == petition_id,
            Attachment.uploader_id == uploader_id,
        )
    )
    found = set(rows)
    for index, wanted in enumerate(ids):
        if wanted not in found:
            raise Invalid("图片不存在或不属于该诉求", field=f"{field}.{index}")
    return [str(i) for i in ids]


async def of_petition(session: AsyncSession, petition_id: uuid.UUID) -> list[Attachment]:
    rows = await session.scalars(
        select(Attachment)
        .where(Attachment.petition_id == petition_id)
        .order_by(Attachment.created_at, Attachment.id)
    )
    return list(rows)


def url_of(attachment_id: uuid.UUID) -> str:
    return f"/api/petitions/attachments/{attachment_id}"


async def upload(
    *,
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    petition_id: uuid.UUID,
    data: bytes,
    now: datetime,
) -> Attachment:
    """Add an image to a petition: its author's, or a staff photo for an update. The file is
    stored first and its row committed after; if the row does not commit the file goes."""
    petition, viewer = await access.load(session, principal, petition_id, lock=True)
    by_staff = _uploads_as_staff(viewer)
    if petition.status in TERMINAL_STATES:
        raise Conflict(rules.CLOSED, field="file")
    counts = await _counts(session, petition, principal)
    refusal = rules.upload_refusal(by_staff=by_staff, counts=counts)
    if refusal is not None:
        raise Conflict(refusal, field="file")
    mime = require_type(data, rules.ALLOWED_TYPES, field="file", detail=rules.WRONG_TYPE)
    check_image(data, mime, field="file")
    attachment = Attachment(
        id=uuid.uuid4(),
        petition_id=petition.id,
        uploader_id=uuid.UUID(principal.sub),
        uploaded_by_staff=by_staff,
        content_type=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=new_key("petitions", now=now),
        created_at=now,
    )
    async with stored_for_commit(storage, attachment.storage_key, data):
        session.add(attachment)
        await session.commit()
    return attachment


def _uploads_as_staff(viewer: Viewer) -> bool:
    """The author adds their own images; staff who handle it add photos; a neighbour reading
    the board may not add anything (404, as for a petition they cannot see)."""
    if "author" in viewer.actors:
        return False
    if viewer.staff_view:
        return True
    raise NotFound(access.NOT_FOUND)


async def _counts(session: AsyncSession, petition: Petition, uploader: Principal) -> rules.Counts:
    rows = (
        await session.execute(
            select(Attachment.id, Attachment.uploader_id, Attachment.uploaded_by_staff).where(
                Attachment.petition_id == petition.id
            )
        )
    ).all()
    linked = await _linked(session, petition.id, public_only=False)
    mine = uuid.UUID(uploader.sub)
    return rules.Counts(
        by_author=sum(1 for r in rows if not r.uploaded_by_staff),
        by_staff=sum(1 for r in rows if r.uploaded_by_staff),
        pending_of_uploader=sum(
            1
            for r in rows
            if r.uploaded_by_staff and r.uploader_id == mine and str(r.id) not in linked
        ),
    )


async def _linked(session: AsyncSession, petition_id: uuid.UUID, *, public_only: bool) -> set[str]:
    """Ids of the attachments the petition's timeline entries show."""
    stmt = select(TimelineEntry.attachment_ids).where(TimelineEntry.petition_id == petition_id)
    if public_only:
        stmt = stmt.where(TimelineEntry.public)
    return {i for ids in await session.scalars(stmt) for i in ids}


async def readable(
    *, session: AsyncSession, principal: Principal | None, attachment_id: uuid.UUID
) -> Attachment:
    """The attachment if the caller may see it, else 404 (the same as for no such id):
    staff who see the petition see all of its images; its author sees their own and the
    photos of public entries (not a staff photo not yet published); anyone else, signed in
    or not, only what the public board shows, of a petition on the board."""
    attachment = await session.get(Attachment, attachment_id)
    petition = await session.get(Petition, attachment.petition_id) if attachment else None
    if attachment is None or petition is None:
        raise NotFound(NOT_FOUND)
    viewer = access.viewer_of(principal, petition) if principal is not None else None
    if viewer is not None and viewer.staff_view:
        return attachment
    author = viewer is not None and "author" in viewer.actors
    if (author or access.on_board(petition)) and rules.shown_on_board(
        uploader_id=attachment.uploader_id,
        author_id=petition.author_id,
        in_public_entry=await _in_public_entry(session, attachment),
    ):
        return attachment
    raise NotFound(NOT_FOUND)


async def _in_public_entry(session: AsyncSession, attachment: Attachment) -> bool:
    found = await session.scalar(
        select(TimelineEntry.id)
        .where(
            TimelineEntry.petition_id == attachment.petition_id,
            TimelineEntry.public,
            TimelineEntry.attachment_ids.contains([str(attachment.id)]),
        )
        .limit(1)
    )
    return found is not None


async def content(*, storage: Storage, attachment: Attachment) -> bytes:
    try:
        return await storage.get(attachment.storage_key)
    except StoredObjectMissing:
        # A row without its file is a fault of ours (a lost disk, a bad restore): say so.
        log.error("attachment file missing", extra={"attachment_id": str(attachment.id)})
        raise NotFound(NOT_FOUND) from None
