"""Partners' Open311 API keys as petitions knows them (identity's events), and checking one."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import PartnerApiKeyIssued, PartnerApiKeyRevoked
from kit.errors import Forbidden
from kit.events import ParsedEvent
from services.petitions.open311.models import PartnerKey

BAD_KEY = "api_key 无效或已停用"


@dataclass(frozen=True)
class Partner:
    id: str
    name: str


async def on_api_key_issued(session: AsyncSession, event: ParsedEvent[PartnerApiKeyIssued]) -> None:
    data = event.data
    stmt = pg_insert(PartnerKey).values(
        key_id=uuid.UUID(data.key_id),
        partner_id=data.partner_id,
        partner_name=data.partner_name,
        key_sha256=data.key_sha256,
    )
    # A replay after the revocation must not bring the key back: never overwrite revoked_at.
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["key_id"]))


async def on_api_key_revoked(
    session: AsyncSession, event: ParsedEvent[PartnerApiKeyRevoked]
) -> None:
    key = await session.get(PartnerKey, uuid.UUID(event.data.key_id))
    if key is not None and key.revoked_at is None:
        key.revoked_at = event.data.revoked_at


async def partner_of(session: AsyncSession, api_key: str) -> Partner:
    """The partner holding this live key; Forbidden (an Open311 403) otherwise."""
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    row = await session.scalar(select(PartnerKey).where(PartnerKey.key_sha256 == digest))
    # Found by its digest; compared again in constant time for good measure.
    if (
        row is None
        or row.revoked_at is not None
        or not secrets.compare_digest(row.key_sha256, digest)
    ):
        raise Forbidden(BAD_KEY, field="api_key")
    return Partner(id=row.partner_id, name=row.partner_name)
