"""SMS codes: the sender is an interface; the local one keeps messages in `sms_outbox`."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.auth.models import SmsCode, SmsOutbox
from services.identity.people.rules import mask_phone

log = logging.getLogger("identity.sms")


class SmsSender(Protocol):
    async def send(self, session: AsyncSession, phone: str, body: str) -> None: ...


class LocalSmsSender:
    """Stores the message in the database and logs it with the number masked."""

    async def send(self, session: AsyncSession, phone: str, body: str) -> None:
        session.add(SmsOutbox(phone=phone, body=body))
        log.info("sms queued locally", extra={"to": mask_phone(phone)})


def _digest(phone: str, code: str) -> str:
    return hashlib.sha256(f"{phone}:{code}".encode()).hexdigest()


async def issue_code(
    *, session: AsyncSession, sender: SmsSender, phone: str, now: datetime, ttl_seconds: int
) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        SmsCode(
            phone=phone,
            code_hash=_digest(phone, code),
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    await sender.send(session, phone, f"【善治】您的验证码是{code}，5分钟内有效。")


async def check_code(
    *, session: AsyncSession, phone: str, code: str, now: datetime, max_attempts: int
) -> bool:
    """Consume the newest live code if it matches; every try counts against it."""
    row = await session.scalar(
        select(SmsCode)
        .where(SmsCode.phone == phone, SmsCode.consumed_at.is_(None), SmsCode.expires_at > now)
        .order_by(SmsCode.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if row is None or row.attempts >= max_attempts:
        return False
    row.attempts += 1
    if not secrets.compare_digest(row.code_hash, _digest(phone, code)):
        return False
    row.consumed_at = now
    return True
