"""Attachments of a petition: stored through kit.storage, served to those who may see them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Invalid
from services.petitions.attachments.models import Attachment


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
