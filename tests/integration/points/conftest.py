"""A points service on its own scratch database, driven in process over HTTP (ASGI).

Tokens come from a fake identity (an Ed25519 key and its JWKS served by httpx.MockTransport);
accounts, community paths and points lists are written straight through the service's own
functions, as its consumers would.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from kit.migrate import upgrade_head
from services.points.app import create_app
from services.points.config import Settings
from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
from services.points.listing import service as points_scope
from services.points.listing import service as rules
from tests.integration import support
from tests.integration.support import Clock

ISSUER, AUDIENCE, KID = "shanzhi-identity", "shanzhi", "test-key"
JWKS_URL = "http://identity.test/api/identity/.well-known/jwks.json"
DISTRICT = "511702"


@dataclass(frozen=True)
class Community:
    id: uuid.UUID
    path: str


class FakeIdentity:
    """Signs access tokens like identity does and serves the matching JWKS."""

    def __init__(self) -> None:
        self.key = ed25519.Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        self.jwks = {"keys": [{**jwk, "kid": KID, "alg": "EdDSA", "use": "sig"}]}

    def verifier(self) -> TokenVerifier:
        transport = httpx.MockTransport(lambda _: httpx.Response(200, json=self.jwks))
        client = httpx.AsyncClient(transport=transport)
        return TokenVerifier(jwks_url=JWKS_URL, issuer=ISSUER, audience=AUDIENCE, client=client)

    def issue(self, claims: dict[str, Any]) -> str:
        now = int(time.time())  # real time: the verifier checks exp against the wall clock
        body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 900, **claims}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": KID})


@dataclass
class PointsHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: FakeIdentity
    database_url: str

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    def token(
        self,
        sub: uuid.UUID | str,
        *,
        name: str = "张三",
        community: Community | None = None,
        household_id: uuid.UUID | None = None,
        verified: bool = True,
        roles: list[tuple[str, Community]] | None = None,
    ) -> dict[str, str]:
        """Bearer header for a person; `roles` are (role, unit) grants."""
        claims = {
            "sub": str(sub),
            "name": name,
            "community_id": str(community.id) if community else None,
            "household_id": str(household_id) if household_id else None,
            "verified": verified,
            "roles": [
                {"role": r, "unit_id": str(u.id), "unit_path": u.path} for r, u in roles or []
            ],
        }
        return {"Authorization": f"Bearer {self.identity.issue(claims)}"}

    def staff(self, community: Community, role: str = "community_staff") -> dict[str, str]:
        """A staff member of `community` (who has no resident account)."""
        return self.token(uuid.uuid4(), name="王干部", roles=[(role, community)])

    async def community(self, town: str = "xicheng") -> Community:
        """A community under a town of the district, its path remembered as identity's
        events would."""
        cid = uuid.uuid4()
        found = Community(cid, f"/{DISTRICT}/{town}/{cid}")
        async with unit_of_work(self.session_factory) as session:
            await points_scope.remember_community(session, cid, found.path)
            await session.commit()
        return found

    async def open_resident(
        self,
        community: Community,
        *,
        name: str = "张三",
        verified: bool = True,
        resident_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        rid = resident_id or uuid.uuid4()
        async with unit_of_work(self.session_factory) as session:
            await accounts.open_resident(
                session,
                resident_id=rid,
                community_id=community.id,
                community_path=community.path,
                name=name,
                phone_hash=None,
            )
            if verified:
                await session.execute(
                    update(Account).where(Account.resident_id == rid).values(verified=True)
                )
            await session.commit()
        return rid

    async def publish_list(
        self,
        community: Community,
        items: list[dict[str, Any]],
        *,
        effective_from: date | None = None,
    ) -> uuid.UUID:
        body = rules.PointsList.model_validate({"items": items, "effective_from": effective_from})
        async with unit_of_work(self.session_factory) as session:
            version = await rules.draft(session, community_id=community.id, body=body, actor="test")
            await rules.publish(session, version_id=version.id, now=self.clock())
            await session.commit()
            return version.id

    async def balance(self, resident_id: uuid.UUID) -> int:
        async with unit_of_work(self.session_factory) as session:
            wallet = await accounts.lock_wallet(session, resident_id)
            assert wallet is not None
            return wallet.balance


@pytest.fixture
async def points(kafka: str) -> AsyncIterator[PointsHarness]:
    name = support.unique("points")
    url = await support.create_database(name)
    try:
        await asyncio.to_thread(upgrade_head, "points", url)
        clock = Clock()
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            # A consumer would join the shared "points" group on the broker and take
            # partitions (and events) from every other points process; tests feed state directly.
            consumer_enabled=False,
        )
        app = create_app(settings, clock=clock)
        identity = FakeIdentity()
        install_auth(app, identity.verifier())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://points") as client:
                yield PointsHarness(client, clock, app, identity, url)
    finally:
        await support.drop_database(name)
