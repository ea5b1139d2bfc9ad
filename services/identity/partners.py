"""Partner platforms (the volunteer platform): signing secrets shown once, rotated with grace."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, NotFound
from services.identity.crypto import Vault
from services.identity.models_auth import Partner, PartnerSecret


def new_secret() -> str:
    return f"pss_{secrets.token_urlsafe(32)}"


async def register(*, session: AsyncSession, name: str, vault: Vault) -> tuple[Partner, str]:
    partner = Partner(id=f"ptn_{secrets.token_hex(8)}", name=name)
    session.add(partner)
    secret = new_secret()
    session.add(PartnerSecret(partner_id=partner.id, secret_enc=vault.encrypt(secret)))
    await session.flush()
    return partner, secret


async def get(*, session: AsyncSession, partner_id: str) -> Partner:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("合作平台不存在")
    return partner


async def rotate_secret(
    *, session: AsyncSession, partner: Partner, vault: Vault, now: datetime, grace: timedelta
) -> str:
    """A new current secret; the old one stays valid until the grace period ends."""
    if partner.disabled_at is not None:
        raise Conflict("合作平台已停用", field="partner_id")
    current = await session.scalars(
        select(PartnerSecret).where(
            PartnerSecret.partner_id == partner.id, PartnerSecret.expires_at.is_(None)
        )
    )
    for old in current:
        old.expires_at = now + grace
    secret = new_secret()
    session.add(PartnerSecret(partner_id=partner.id, secret_enc=vault.encrypt(secret)))
    await session.flush()
    return secret


async def disable(*, session: AsyncSession, partner: Partner, now: datetime) -> None:
    if partner.disabled_at is None:
        partner.disabled_at = now


async def valid_secrets(
    *, session: AsyncSession, partner: Partner, vault: Vault, now: datetime
) -> list[str]:
    """Secrets a signature may use now: the current one and any still in grace, newest first."""
    if partner.disabled_at is not None:
        return []
    rows = await session.scalars(
        select(PartnerSecret)
        .where(
            PartnerSecret.partner_id == partner.id,
            or_(PartnerSecret.expires_at.is_(None), PartnerSecret.expires_at > now),
        )
        .order_by(PartnerSecret.created_at.desc())
    )
    return [vault.decrypt(r.secret_enc) for r in rows]


async def list_all(*, session: AsyncSession) -> list[Partner]:
    return list(await session.scalars(select(Partner).order_by(Partner.created_at)))
