"""Files of a notice (PDF, images, XLSX ≤ 20 MB): typed by their bytes, stored by kit.storage.

Files are added while the notice is a draft or scheduled: once it is public, its record
(text and files) changes only through a new version, and attachments have no versions yet.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.content_types import (
    DOCUMENTS,
    IMAGES,
    PDF,
    XLSX,
    check_image,
    check_pdf,
    check_xlsx,
    require_type,
)
from kit.deps import StaffScope
from kit.errors import Conflict, NotFound
from kit.storage import Storage, new_key
from services.notices.board.models import Notice, NoticeAttachment
from services.notices.board.service import managed

MAX_BYTES = 20 * 1024 * 1024
MAX_PER_NOTICE = 10
TOO_LARGE = "附件不能超过 20 MB"
ALLOWED = IMAGES | DOCUMENTS
WRONG_TYPE = "附件只能是 PDF、Excel 表格（.xlsx）或 JPEG/PNG/WebP 图片"


def check_content(data: bytes) -> str:
    """The type the bytes really are, checked deeper than their first bytes."""
    mime = require_type(data, ALLOWED, field="file", detail=WRONG_TYPE)
    if mime == PDF:
        check_pdf(data, field="file")
    elif mime == XLSX:
        check_xlsx(data, field="file")
    else:
        check_image(data, mime, field="file")
    return mime


async def add(
    *,
    session: AsyncSession,
    storage: Storage,
    scope: StaffScope,
    notice_id: uuid.UUID,
    data: bytes,
    now: datetime,
) -> NoticeAttachment:
    notice = await managed(session, scope, notice_id)
    if notice.status not in ("draft", "scheduled"):
        raise Conflict("公告发布后不能再增加附件", field="status", current=notice.status)
    count = await session.scalar(
        select(func.count()).where(NoticeAttachment.notice_id == notice.id)
    )
    if (count or 0) >= MAX_PER_NOTICE:
        raise Conflict(f"每条公告最多 {MAX_PER_NOTICE} 个附件", field="file")
    mime = check_content(data)
    attachment = NoticeAttachment(
        id=uuid.uuid4(),
        notice_id=notice.id,
        storage_key=new_key("notices", now=now),
        content_type=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=uuid.UUID(scope.principal.sub),
        created_at=now,
    )
    # Stored before the row commits: a crash leaves an orphan file, never a row without one.
    await storage.put(attachment.storage_key, data)
    session.add(attachment)
    await session.flush()
    return attachment


async def of_notice(session: AsyncSession, notice: Notice) -> list[NoticeAttachment]:
    rows = await session.scalars(
        select(NoticeAttachment)
        .where(NoticeAttachment.notice_id == notice.id)
        .order_by(NoticeAttachment.created_at, NoticeAttachment.id)
    )
    return list(rows)


async def one(session: AsyncSession, notice: Notice, attachment_id: uuid.UUID) -> NoticeAttachment:
    found = await session.get(NoticeAttachment, attachment_id)
    if found is None or found.notice_id != notice.id:
        raise NotFound("附件不存在")
    return found


def url_of(notice_id: uuid.UUID, attachment_id: uuid.UUID) -> str:
    return f"/api/notices/{notice_id}/attachments/{attachment_id}"
