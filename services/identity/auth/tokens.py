"""Access tokens (JWT) and opaque rotating refresh tokens with family revocation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.auth import keys
from services.identity.auth.models import RefreshToken
from services.identity.auth.rules import (
    access_claims,
    member_code_claims,
    member_code_refresh_in,
    refresh_verdict,
)
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.people.models import Person
from services.identity.roles.claims import role_claims


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


@dataclass(frozen=True)
class IssuedMemberCode:
    code: str
    expires_at: datetime
    refresh_in_seconds: int


async def issue_member_code(
    *, session: AsyncSession, person: Person, settings: Settings, vault: Vault, now: datetime
) -> IssuedMemberCode:
    """A member code (kit.member_code), signed by the same key as access tokens."""
    claims = member_code_claims(
        issuer=settings.token_issuer,
        person_id=person.id,
        community_id=person.community_id,
        now=now,
        jti=uuid.uuid4().hex,
    )
    kid, key = await keys.signing_key(session=session, vault=vault, now=now)
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    return IssuedMemberCode(
        code=keys.sign(claims, kid, key),
        expires_at=expires_at,
        refresh_in_seconds=member_code_refresh_in(expires_at, now),
    )


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
    family_id = family_id or uuid.uuid4()
    claims = access_claims(
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        minutes=settings.access_token_minutes,
        person_id=person.id,
        name=person.name,
        community_id=person.community_id,
        household_id=person.household_id,
        verified=person.verification_status == "verified",
        roles=await role_claims(session=session, person_id=person.id),
        now=now,
        jti=uuid.uuid4().hex,
        session_id=family_id,
    )
    kid, key = await keys.signing_key(session=session, vault=vault, now=now)
    refresh = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            family_id=family_id,
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
    if row is None:
        return None
    verdict = refresh_verdict(
        revoked_at=row.revoked_at, expires_at=row.expires_at, used_at=row.used_at, now=now
    )
    if verdict == "reuse":
        # A spent token came back: someone holds a copy. End every session of the family.
        await revoke_family(session=session, family_id=row.family_id, now=now)
    if verdict != "rotate":
        return None
    row.used_at = now
    person = await session.get(Person, row.person_id)
    if person is None or person.disabled_at is not None:
        # Disabling revoked the family already; this covers a token issued in a race with it.
        await revoke_family(session=session, family_id=row.family_id, now=now)
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


async def revoke_other_families(
    *, session: AsyncSession, person_id: uuid.UUID, keep: uuid.UUID | None, now: datetime
) -> None:
    """End every login session of the person except `keep` (all of them when None)."""
    query = update(RefreshToken).where(
        RefreshToken.person_id == person_id, RefreshToken.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(RefreshToken.family_id != keep)
    await session.execute(query.values(revoked_at=now))
