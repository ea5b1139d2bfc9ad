"""Consumers that turn other services' events into inbox messages (see consumers.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import NoticePublished
from kit.events import ParsedEvent
from services.notices.inbox import service
from services.notices.inbox.rules import compose


async def on_event(session: AsyncSession, event: ParsedEvent[Any]) -> None:
    """A points, petitions or mall event: a message to each person it concerns.

    The runner's inbox makes a redelivery a no-op; the (person, event id) key backs it up.
    """
    await service.deliver(session, drafts=compose(event.data), source_event_id=source_key(event))


async def on_notice_published(session: AsyncSession, event: ParsedEvent[NoticePublished]) -> None:
    """A `require_ack` notice: every resident in its scope is told, in one statement."""
    data = event.data
    if not data.require_ack:
        return
    await service.fan_out_notice(
        session,
        notice_id=data.notice_id,
        unit_path=data.unit_path,
        title=data.title,
        source_event_id=source_key(event),
    )


def source_key(event: ParsedEvent[Any]) -> str:
    """CloudEvents `source` + `id` identify an event uniquely. A step of a mall order is one
    message however often it is announced: the mall re-publishes a placement that waits too
    long, and points repeats its answer to it."""
    order_id = getattr(event.data, "order_id", None)
    if order_id is not None:
        return f"{event.envelope.type} order {order_id}"
    return f"{event.envelope.source} {event.envelope.id}"
