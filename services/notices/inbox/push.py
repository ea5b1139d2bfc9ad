"""The push queue: jobs written with their messages, drained after commit by a background job.

A job is leased (its next attempt moved ahead) in a short transaction, sent outside any
transaction, and settled in another, so several replicas drain one queue (SKIP LOCKED) and a
slow WeChat holds no locks. A process dying mid-send leaves the lease to expire: the job is
sent again (at least once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import unit_of_work
from services.notices.inbox.models import PushJob, WechatSubscription
from services.notices.inbox.rules import (
    MAX_PUSH_ATTEMPTS,
    PushOutcome,
    push_backoff,
    wechat_data,
)
from services.notices.inbox.wechat import Sender, SendResult, SubscriptionMessage

log = logging.getLogger("notices.inbox.push")
LEASE = timedelta(seconds=60)

_LEASE_DUE = text(
    """
UPDATE inbox_push_queue q SET next_attempt_at = :lease_until, attempts = q.attempts + 1
FROM inbox_wechat_subscriptions s, inbox_messages m
WHERE q.id IN (
    SELECT id FROM inbox_push_queue
    WHERE status = 'pending' AND next_attempt_at <= :now
    ORDER BY next_attempt_at LIMIT :batch FOR UPDATE SKIP LOCKED
) AND s.id = q.subscription_id AND m.id = q.message_id
RETURNING q.id, q.attempts, q.message_id, s.id, s.openid, s.template_id,
          m.title, m.body, m.link, m.created_at
"""
)


@dataclass(frozen=True)
class Leased:
    job_id: int
    attempts: int
    message_id: uuid.UUID
    subscription_id: uuid.UUID
    message: SubscriptionMessage


async def subscribe(
    session: AsyncSession, *, resident_id: uuid.UUID, template_id: str, topic: str, openid: str
) -> None:
    """Record (or renew) consent to a template; a renewed consent makes it usable again."""
    row = {"resident_id": resident_id, "template_id": template_id, "topic": topic, "openid": openid}
    stmt = pg_insert(WechatSubscription).values(**row)
    set_ = {"topic": topic, "openid": openid, "usable": True}
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["resident_id", "template_id"], set_=set_)
    )


async def lease_due(
    factory: async_sessionmaker[AsyncSession], *, now: datetime, batch: int = 50
) -> list[Leased]:
    async with unit_of_work(factory) as session:
        params = {"now": now, "lease_until": now + LEASE, "batch": batch}
        rows = (await session.execute(_LEASE_DUE, params)).all()
        await session.commit()
    return [
        Leased(
            job_id=r[0],
            attempts=r[1],
            message_id=r[2],
            subscription_id=r[3],
            message=SubscriptionMessage(
                openid=r[4],
                template_id=r[5],
                page=r[8],
                data=wechat_data(title=r[6], body=r[7], created_at=r[9]),
            ),
        )
        for r in rows
    ]


async def settle(
    factory: async_sessionmaker[AsyncSession], job: Leased, result: SendResult, *, now: datetime
) -> None:
    values: dict[str, object] = {"last_error": result.errcode or None}
    if result.outcome is PushOutcome.RETRY and job.attempts < MAX_PUSH_ATTEMPTS:
        values["next_attempt_at"] = now + push_backoff(job.attempts)
    elif result.outcome is PushOutcome.RETRY:
        values["status"] = "failed"
    else:
        values["status"] = result.outcome.value
    async with unit_of_work(factory) as session:
        await session.execute(update(PushJob).where(PushJob.id == job.job_id).values(**values))
        if result.outcome is PushOutcome.REFUSED:
            await session.execute(
                update(WechatSubscription)
                .where(WechatSubscription.id == job.subscription_id)
                .values(usable=False)
            )
        await session.commit()
    log.info(
        "push settled",
        extra={
            "message_id": str(job.message_id),
            "outcome": result.outcome,
            "errcode": result.errcode,
        },
    )


async def drain_once(
    factory: async_sessionmaker[AsyncSession],
    sender: Sender,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Send what is due; the number of jobs attempted."""
    jobs = await lease_due(factory, now=now())
    for job in jobs:
        result = await sender.send(job.message)
        await settle(factory, job, result, now=now())
    return len(jobs)


async def run_push_job(
    factory: async_sessionmaker[AsyncSession],
    sender: Sender,
    *,
    stopping: asyncio.Event,
    poll_seconds: float,
) -> None:
    """Drain the queue until the process stops; errors are logged and the loop goes on."""
    while not stopping.is_set():
        try:
            attempted = await drain_once(factory, sender)
        except Exception:  # a database blip must not end the job
            log.exception("push queue drain failed")
            attempted = 0
        if attempted:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), poll_seconds)
