"""Open311 API keys of partner platforms: issued (shown once), listed, revoked; each change
published so petitions can check presented keys without asking identity."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import PartnerApiKeyIssued, PartnerApiKeyRevoked
from kit.errors import Conflict, NotFound
from services.identity.events import publish
from services.identity.partners.models import Partner, PartnerApiKey
from services.identity.partners.rules import api_key_digest, new_api_key


async def issue(
    *, session: AsyncSession, partner: Partner, name: str | None, now: datetime
) -> tuple[PartnerApiKey, str]:
    """A new key for an enabled partner; the key itself is returned once and never stored."""
    if partner.disabled_at is not None:
        raise Conflict("合作平台已停用", field="partner_id")
    key = new_api_key()
    row = PartnerApiKey(
        id=uuid.uuid4(), partner_id=partner.id, name=name, key_sha256=api_key_digest(key)
    )
    row.created_at = now
    session.add(row)
    data = PartnerApiKeyIssued(
        partner_id=partner.id,
        partner_name=partner.name,
        key_id=str(row.id),
        key_sha256=row.key_sha256,
        name=name,
        issued_at=now,
    )
    await publish(session, data, subject=partner.id)
    await session.commit()
    return row, key


async def of_partner(*, session: AsyncSession, partner: Partner) -> list[PartnerApiKey]:
    rows = await session.scalars(
        select(PartnerApiKey)
        .where(PartnerApiKey.partner_id == partner.id)
        .order_by(PartnerApiKey.created_at, PartnerApiKey.id)
    )
    return list(rows)


async def revoke(
    *, session: AsyncSession, partner: Partner, key_id: uuid.UUID, now: datetime
) -> PartnerApiKey:
    """Revoke one key (again: no-op, no second event)."""
    row = await session.get(PartnerApiKey, key_id, with_for_update=True)
    if row is None or row.partner_id != partner.id:
        raise NotFound("API 密钥不存在")
    await _revoke(session, row, now)
    await session.commit()
    return row


async def revoke_all(*, session: AsyncSession, partner: Partner, now: datetime) -> None:
    """Every live key of the partner (it is being disabled); the caller commits."""
    rows = await session.scalars(
        select(PartnerApiKey)
        .where(PartnerApiKey.partner_id == partner.id, PartnerApiKey.revoked_at.is_(None))
        .with_for_update()
    )
    for row in rows:
        await _revoke(session, row, now)


async def _revoke(session: AsyncSession, row: PartnerApiKey, now: datetime) -> None:
    if row.revoked_at is not None:
        return
    row.revoked_at = now
    data = PartnerApiKeyRevoked(partner_id=row.partner_id, key_id=str(row.id), revoked_at=now)
    await publish(session, data, subject=row.partner_id)
