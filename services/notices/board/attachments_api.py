"""Files of a notice: POST /{notice_id}/attachments (staff), GET …/attachments/{id} (readers)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from kit.content_types import EXTENSIONS, IMAGES
from kit.deps import CurrentPrincipal
from kit.storage import StorageDep
from kit.uploads import MULTIPART_SLACK, limited_body, read_at_most
from services.notices.board import attachments, reads
from services.notices.board.models import NoticeAttachment
from services.notices.board.schemas import AttachmentOut
from services.notices.deps import NoticeManager, Now, Session

router = APIRouter(
    tags=["notices"],
    route_class=limited_body(
        attachments.MAX_BYTES + MULTIPART_SLACK, field="file", detail=attachments.TOO_LARGE
    ),
)


@router.post(
    "/{notice_id}/attachments", status_code=201, form_limits={"max_files": 1, "max_fields": 2}
)
async def add_attachment(
    notice_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="PDF、Excel（.xlsx）或图片，不超过 20 MB")],
    scope: NoticeManager,
    session: Session,
    storage: StorageDep,
    now: Now,
) -> AttachmentOut:
    data = await read_at_most(file, attachments.MAX_BYTES, detail=attachments.TOO_LARGE)
    added = await attachments.add(
        session=session, storage=storage, scope=scope, notice_id=notice_id, data=data, now=now
    )
    await session.commit()
    return attachment_out(added)


@router.get("/{notice_id}/attachments/{attachment_id}", response_class=Response)
async def read_attachment(
    notice_id: uuid.UUID,
    attachment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: Session,
    storage: StorageDep,
    now: Now,
) -> Response:
    """The file, to whoever may read the notice."""
    notice, _ = await reads.readable(session, principal, notice_id, now)
    found = await attachments.one(session, notice, attachment_id)
    data = await storage.get(found.storage_key)
    shown = "inline" if found.content_type in IMAGES else "attachment"
    name = f"{found.id}.{EXTENSIONS.get(found.content_type, 'bin')}"
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'{shown}; filename="{name}"',
        "Cache-Control": "private, max-age=3600",
    }
    return Response(data, media_type=found.content_type, headers=headers)


def attachment_out(found: NoticeAttachment) -> AttachmentOut:
    return AttachmentOut(
        id=found.id,
        content_type=found.content_type,
        size_bytes=found.size_bytes,
        url=attachments.url_of(found.notice_id, found.id),
    )
