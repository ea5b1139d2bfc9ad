"""Writing and reading inbox messages (the only place with a session for them).

Every write takes one transaction-scoped advisory lock, so messages commit in `seq` order: a
stream that has sent seq N can never later find a smaller seq committed (resume by
`Last-Event-ID` loses nothing). Writers are consumer batches and notice fan-outs; holding the
lock until their commit costs little next to the guarantee.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.notices.inbox.models import InboxMessage
from services.notices.inbox.rules import Draft, notice_draft, notice_link

CHANNEL = "inbox"
BROADCAST = "*"
# An arbitrary constant key: "inbox writers" (pg_advisory_xact_lock takes a bigint).
WRITE_LOCK = 0x1B0C5EA1

# New messages and their push jobs in one statement: the CTE's RETURNING feeds the queue.
_INSERT_TAIL = """
    ON CONFLICT (resident_id, source_event_id) DO NOTHING
    RETURNING id, resident_id, kind
), queued AS (
    INSERT INTO inbox_push_queue (message_id, subscription_id)
    SELECT new.id, s.id FROM new
    JOIN inbox_wechat_subscriptions s
      ON s.resident_id = new.resident_id AND s.usable AND s.topic = split_part(new.kind, '.', 1)
    ON CONFLICT DO NOTHING
)
SELECT count(*) FROM new
"""
_DELIVER = text(
    """WITH new AS (
    INSERT INTO inbox_messages (resident_id, kind, title, body, link, source_event_id)
    VALUES (:resident_id, :kind, :title, :body, :link, :source)"""
    + _INSERT_TAIL
)
_FAN_OUT = text(
    """WITH new AS (
    INSERT INTO inbox_messages (resident_id, kind, title, body, link, source_event_id)
    SELECT r.id, :kind, :title, :body, :link, :source FROM residents r
    WHERE r.community_path = :path OR r.community_path LIKE :below"""
    + _INSERT_TAIL
)


async def _lock(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


async def _notify(session: AsyncSession, payload: str) -> None:
    """Delivered to every listening notices process when (and only if) the caller commits."""
    await session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
    )


async def deliver(session: AsyncSession, *, drafts: Sequence[Draft], source_event_id: str) -> int:
    """Each draft as a message, once per (person, event); the number actually new."""
    await _lock(session)
    created = 0
    for draft in drafts:
        params = {
            "resident_id": uuid.UUID(draft.resident_id),
            "kind": draft.kind,
            "title": draft.title,
            "body": draft.body,
            "link": draft.link,
            "source": source_event_id,
        }
        count = int((await session.execute(_DELIVER, params)).scalar_one())
        if count:
            await _notify(session, draft.resident_id)
        created += count
    return created


async def fan_out_notice(
    session: AsyncSession, *, notice_id: str, unit_path: str, title: str, source_event_id: str
) -> int:
    """One message per resident living at or below `unit_path`, in one statement."""
    await _lock(session)
    heading, body = notice_draft(title)
    params = {
        "kind": "notices.require_ack",
        "title": heading,
        "body": body,
        "link": notice_link(notice_id),
        "source": source_event_id,
        "path": unit_path,
        "below": unit_path.rstrip("/") + "/%",
    }
    count = int((await session.execute(_FAN_OUT, params)).scalar_one())
    if count:
        await _notify(session, BROADCAST)
    return count


def _mine(resident_id: uuid.UUID) -> Select[InboxMessage]:
    return select(InboxMessage).where(InboxMessage.resident_id == resident_id)


async def page(
    session: AsyncSession,
    *,
    resident_id: uuid.UUID,
    unread: bool | None,
    cursor: str | None,
    limit: int = 20,
) -> tuple[list[InboxMessage], str | None]:
    """The resident's messages, newest first."""
    stmt = _mine(resident_id)
    if unread is True:
        stmt = stmt.where(InboxMessage.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(InboxMessage.read_at.is_not(None))
    if cursor is not None:
        at, after = decode_cursor(cursor)
        stmt = stmt.where(tuple_(InboxMessage.created_at, InboxMessage.id) < tuple_(at, after))
    stmt = stmt.order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    return keyset_page(rows, limit, lambda m: (m.created_at, m.id))


async def mark_read(
    session: AsyncSession, *, resident_id: uuid.UUID, message_id: uuid.UUID, now: datetime
) -> InboxMessage:
    """Read once: a second call keeps the first read time. 404 for another person's message."""
    stmt = _mine(resident_id).where(InboxMessage.id == message_id)
    message = (await session.scalars(stmt)).first()
    if message is None:
        raise NotFound("消息不存在")
    if message.read_at is None:
        message.read_at = now
    return message


async def mark_all_read(session: AsyncSession, *, resident_id: uuid.UUID, now: datetime) -> int:
    result: Any = await session.execute(
        update(InboxMessage)
        .where(InboxMessage.resident_id == resident_id, InboxMessage.read_at.is_(None))
        .values(read_at=now)
    )
    return int(result.rowcount)


async def last_seq(session: AsyncSession, *, resident_id: uuid.UUID) -> int:
    stmt = select(InboxMessage.seq).where(InboxMessage.resident_id == resident_id)
    found = await session.scalar(stmt.order_by(InboxMessage.seq.desc()).limit(1))
    return int(found or 0)


async def unread_count(session: AsyncSession, *, resident_id: uuid.UUID) -> int:
    stmt = (
        select(func.count())
        .select_from(InboxMessage)
        .where(InboxMessage.resident_id == resident_id, InboxMessage.read_at.is_(None))
    )
    return int(await session.scalar(stmt) or 0)
