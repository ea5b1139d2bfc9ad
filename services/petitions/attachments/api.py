"""Images of a petition: POST /{petition_id}/attachments, GET /attachments/{attachment_id}."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Response, UploadFile

from kit.content_types import EXTENSIONS, IMAGES
from kit.deps import CurrentPrincipal, OptionalPrincipal
from kit.storage import StorageDep
from kit.uploads import limited_body, read_at_most
from services.petitions.attachments import rules, service
from services.petitions.attachments.models import Attachment
from services.petitions.attachments.schemas import AttachmentCreated
from services.petitions.deps import Now, Session

# The body is capped while it streams in: one image and its multipart framing.
router = APIRouter(
    tags=["attachments"],
    route_class=limited_body(rules.MAX_BODY_BYTES, field="file", detail=rules.TOO_LARGE),
)

# Images never change under an id; access might, so only the reader's own cache keeps them.
CACHE_CONTROL = "private, max-age=3600"
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {mime: {} for mime in sorted(IMAGES)}, "description": "图片本身"},
    304: {"description": "客户端缓存仍然有效"},
}


@router.post(
    "/{petition_id}/attachments",
    status_code=201,
    form_limits={"max_files": 1, "max_fields": 4},
)
async def add_attachment(
    petition_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="JPEG、PNG 或 WebP 图片，不超过 5 MB")],
    principal: CurrentPrincipal,
    session: Session,
    storage: StorageDep,
    now: Now,
) -> AttachmentCreated:
    """Add an image: the author to their petition (at most 9) while it is open; staff who
    handle it, photos for a progress update or reply. The type is read from the bytes."""
    data = await read_at_most(file, rules.MAX_BYTES, field="file", detail=rules.TOO_LARGE)
    attachment = await service.upload(
        session=session,
        storage=storage,
        principal=principal,
        petition_id=petition_id,
        data=data,
        now=now,
    )
    return AttachmentCreated(
        id=attachment.id,
        petition_id=attachment.petition_id,
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
        url=service.url_of(attachment.id),
    )


@router.get("/attachments/{attachment_id}", response_class=Response, responses=IMAGE_RESPONSES)
async def read_attachment(
    attachment_id: uuid.UUID,
    principal: OptionalPrincipal,
    session: Session,
    storage: StorageDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The image, to whoever may see it; without a token, only images the public board shows."""
    attachment = await service.readable(
        session=session, principal=principal, attachment_id=attachment_id
    )
    headers = _headers(attachment)
    if if_none_match is not None and headers["ETag"] in _tags(if_none_match):
        return Response(status_code=304, headers=headers)
    data = await service.content(storage=storage, attachment=attachment)
    return Response(data, media_type=attachment.content_type, headers=headers)


def _headers(attachment: Attachment) -> dict[str, str]:
    name = f"{attachment.id}.{EXTENSIONS.get(attachment.content_type, 'bin')}"
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{attachment.sha256}"',
    }


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",")}
