"""Access tokens (JWT) and opaque rotating refresh tokens with family revocation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import DomainError
from services.identity import keys
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.models import OrgUnit, Person, StaffRole
from services.identity.models_auth import RefreshToken


class NotAuthenticated(DomainError):
    status = 401
    title = "未登录或登录已过期"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


async def role_claims(*, session: AsyncSession, person_id: uuid.UUID) -> list[dict[str, str]]:
    rows = await session.execute(
        select(StaffRole.role, OrgUnit.id, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == StaffRole.unit_id)
        .where(StaffRole.person_id == person_id, StaffRole.revoked_at.is_(None))
        .order_by(OrgUnit.path, StaffRole.role)
    )
    return [{"role": r, "unit_id": str(u), "unit_path": p} for r, u, p in rows]


async def access_claims(
    *, session: AsyncSession, person: Person, settings: Settings, now: datetime
) -> dict[str, Any]:
    return {
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "sub": str(person.id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=settings.access_token_minutes)).timestamp()),
        "jti": uuid.uuid4().hex,
        "name": person.name,
        "community_id": _str(person.community_id),
        "household_id": _str(person.household_id),
        "verified": person.verification_status == "verified",
        "roles": await role_claims(session=session, person_id=person.id),
    }


async def issue(
    *,
    session: AsyncSession,
    person: Person,
    settings: Settings,
    vault: Vault,
    now: datetime,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    """A new access token and a refresh token (a new family unless one is continued)."""
    claims = await access_claims(session=session, person=person, settings=settings, now=now)
    kid, key = await keys.signing_key(session=session, vault=vault, now=now)
    refresh = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            family_id=family_id or uuid.uuid4(),
            person_id=person.id,
            token_hash=_digest(refresh),
            expires_at=now + timedelta(days=settings.refresh_token_days),
        )
    )
    return TokenPair(
        access_token=keys.sign(claims, kid, key),
        refresh_token=refresh,
        expires_in=settings.access_token_minutes * 60,
    )


async def rotate_refresh(
    *, session: AsyncSession, token: str, settings: Settings, vault: Vault, now: datetime
) -> TokenPair | None:
    """Spend a refresh token for a new pair. None when refused; a reuse revoked the family."""
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update()
    )
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.used_at is not None:
        # A spent token came back: someone holds a copy. End every session of the family.
        await revoke_family(session=session, family_id=row.family_id, now=now)
        return None
    row.used_at = now
    person = await session.get(Person, row.person_id)
    if person is None:
        return None
    return await issue(
        session=session,
        person=person,
        settings=settings,
        vault=vault,
        now=now,
        family_id=row.family_id,
    )


async def revoke(*, session: AsyncSession, token: str, now: datetime) -> None:
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token))
    )
    if row is not None:
        await revoke_family(session=session, family_id=row.family_id, now=now)


async def revoke_family(*, session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
