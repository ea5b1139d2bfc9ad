"""A notice as its reader sees it: residents the current text, staff also its history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.notices.board.attachments import of_notice, url_of
from services.notices.board.models import Notice, NoticeReceipt, NoticeVersion
from services.notices.board.schemas import AttachmentOut, NoticeOut, SheetOut, VersionOut


def _base(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.id,
        unit_id=notice.unit_id,
        category=notice.category,
        title=notice.title,
        body=notice.body,
        body_html=notice.body_html,
        require_ack=notice.require_ack,
        status=notice.status,
        version=notice.version,
        publish_at=notice.publish_at,
        published_at=notice.published_at,
        expires_at=notice.expires_at,
        pinned=notice.pinned_at is not None,
        sheet=SheetOut.model_validate(notice.sheet) if notice.sheet is not None else None,
    )


async def _with_files(session: AsyncSession, notice: Notice) -> NoticeOut:
    out = _base(notice)
    out.attachments = [
        AttachmentOut(
            id=a.id,
            content_type=a.content_type,
            size_bytes=a.size_bytes,
            url=url_of(notice.id, a.id),
        )
        for a in await of_notice(session, notice)
    ]
    return out


async def resident_view(session: AsyncSession, notice: Notice, receipt: NoticeReceipt) -> NoticeOut:
    out = await _with_files(session, notice)
    out.read_at, out.acked_at = receipt.read_at, receipt.acked_at
    return out


async def staff_view(session: AsyncSession, notice: Notice) -> NoticeOut:
    out = await _with_files(session, notice)
    out.withdrawn_at, out.withdraw_reason = notice.withdrawn_at, notice.withdraw_reason
    versions = await session.scalars(
        select(NoticeVersion)
        .where(NoticeVersion.notice_id == notice.id)
        .order_by(NoticeVersion.version)
    )
    out.versions = [
        VersionOut(
            version=v.version,
            title=v.title,
            body=v.body,
            body_html=v.body_html,
            require_ack=v.require_ack,
            sheet=SheetOut.model_validate(v.sheet) if v.sheet is not None else None,
            replaced_at=v.replaced_at,
        )
        for v in versions
    ]
    return out
