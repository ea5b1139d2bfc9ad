"""Partner platforms (the volunteer platform): signing secrets shown once, rotated with grace."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, NotFound
from services.identity.auth.rules import NotAuthenticated
from services.identity.crypto import Vault
from services.identity.partners import api_keys
from services.identity.partners.models import Partner, PartnerSecret
from services.identity.partners.rules import internal_token_matches, new_partner_id, new_secret


async def register(*, session: AsyncSession, name: str, vault: Vault) -> tuple[Partner, str]:
    partner = Partner(id=new_partner_id(), name=name)
    session.add(partner)
    secret = new_secret()
    session.add(PartnerSecret(partner_id=partner.id, secret_enc=vault.encrypt(secret)))
    await session.commit()
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
    await session.commit()
    return secret


async def disable(*, session: AsyncSession, partner: Partner, now: datetime) -> None:
    """No more pushes, and its Open311 API keys revoked (each with its event)."""
    if partner.disabled_at is None:
        partner.disabled_at = now
    await api_keys.revoke_all(session=session, partner=partner, now=now)
    await session.commit()


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


async def secrets_for_gateway(
    *,
    session: AsyncSession,
    partner_id: str,
    presented_token: str,
    expected_token: str,
    vault: Vault,
    now: datetime,
) -> tuple[Partner, list[str]]:
    """For the gateway's webhook check, which proves itself with the internal token."""
    if not internal_token_matches(presented_token, expected_token):
        raise NotAuthenticated("内部接口需要服务凭证")
    partner = await get(session=session, partner_id=partner_id)
    return partner, await valid_secrets(session=session, partner=partner, vault=vault, now=now)
