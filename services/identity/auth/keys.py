"""Token signing keys: Ed25519, kept encrypted; rotation keeps old keys in the JWKS a while."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.auth.models import SigningKey
from services.identity.crypto import Vault

ALG = "EdDSA"
# Old keys stay published this long after retirement: the longest token life plus leeway.
PUBLISH_AFTER_RETIREMENT = timedelta(minutes=20)
# A new key is published this long before it signs, so verifiers (which refetch the JWKS at
# most every few seconds) already know it when its first token arrives.
ACTIVATION_DELAY = timedelta(seconds=60)


async def signing_key(
    *, session: AsyncSession, vault: Vault, now: datetime
) -> tuple[str, Ed25519PrivateKey]:
    """The newest key past its activation delay; the first caller on an empty table makes one."""
    row = await _signing_row(session, now)
    if row is None:
        # Replicas starting together must not each create a key.
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.keys'))"))
        row = await _signing_row(session, now) or await _create(session, vault)
    return row.kid, _private(row, vault)


async def rotate(*, session: AsyncSession, vault: Vault, now: datetime) -> str:
    """Publish a new key now; it signs after the activation delay, when the old one retires."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.keys'))"))
    await session.execute(
        update(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .values(retired_at=now + ACTIVATION_DELAY)
    )
    return (await _create(session, vault)).kid


async def jwks(*, session: AsyncSession, now: datetime) -> dict[str, list[dict[str, Any]]]:
    published_since = now - PUBLISH_AFTER_RETIREMENT
    rows = await session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > published_since))
        .order_by(SigningKey.created_at.desc())
    )
    return {"keys": [dict(r.public_jwk) for r in rows]}


def sign(claims: dict[str, Any], kid: str, key: Ed25519PrivateKey) -> str:
    return jwt.encode(claims, key, algorithm=ALG, headers={"kid": kid})


async def _signing_row(session: AsyncSession, now: datetime) -> SigningKey | None:
    newest_first = select(SigningKey).order_by(SigningKey.created_at.desc()).limit(1)
    active = newest_first.where(SigningKey.created_at <= now - ACTIVATION_DELAY)
    live = SigningKey.retired_at.is_(None) | (SigningKey.retired_at > now)
    # On a first start there is only the brand-new key: it signs at once.
    return await session.scalar(active.where(live)) or await session.scalar(newest_first)


async def _create(session: AsyncSession, vault: Vault) -> SigningKey:
    key = Ed25519PrivateKey.generate()
    kid = f"ed-{secrets.token_hex(8)}"
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": ALG, "use": "sig"})
    row = SigningKey(kid=kid, alg=ALG, private_key_enc=vault.encrypt(pem), public_jwk=jwk)
    session.add(row)
    await session.flush()
    return row


def _private(row: SigningKey, vault: Vault) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(vault.decrypt(row.private_key_enc).encode(), None)
    assert isinstance(key, Ed25519PrivateKey)
    return key
