"""A points service on its own scratch database, driven in process over HTTP (ASGI).

Tokens are identity's own: an identity app runs in process on the same test stack, people and
org units are made through its API, tokens come from its login, and points verifies them
against identity's real JWKS, so the claims in test tokens cannot drift from what identity
issues. Accounts, community paths and points lists are written straight through the points
service's own functions, as its consumers would.

One identity and points stack per test module (`points_module`); every test makes its own
communities and people, so they share the stack, not the data. `points` puts both clocks
back at now for each test. A test that counts what a job does over the whole database asks
for `points_alone`, a fresh stack of its own.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from services.points.app import create_app
from services.points.config import Settings
from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
from services.points.listing import service as points_scope
from services.points.listing import service as rules
from tests.integration import support
from tests.integration.identity.conftest import (
    Identity,
    create_unit,
    grant,
    register,
    running_identity,
)
from tests.integration.support import Clock

JWKS_URL = "http://identity/api/identity/.well-known/jwks.json"
PHONES = itertools.count(random.randrange(10**7))  # identity's phones are unique per database


@dataclass(frozen=True)
class Community:
    id: uuid.UUID
    path: str


@dataclass
class PointsHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    district: Community
    phones: dict[uuid.UUID, str] = field(default_factory=dict)
    towns: dict[str, str] = field(default_factory=dict)

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def token(self, person: uuid.UUID, *, verified: bool | None = None) -> dict[str, str]:
        """Bearer header from identity's login. `verified` first sets the person's verification
        in identity's database (as its staff approval or a revocation would)."""
        if verified is not None:
            await self.set_verified(person, verified)
        return await self.identity.bearer(self.phones[person])

    async def person(self, community: Community, name: str = "张三") -> uuid.UUID:
        """A person registered with identity in `community`, with no points account."""
        phone = f"139{next(PHONES) % 10**8:08d}"
        found = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        self.phones[found] = phone
        return found

    async def staff(self, unit: Community, role: str = "community_staff") -> dict[str, str]:
        """A staff member holding `role` on `unit` (who has no points account)."""
        kind = await self._identity_val("SELECT kind FROM org_units WHERE id = $1", unit.id)
        home = unit if kind == "community" else await self.community()
        staffer = await self.person(home, name="王干部")
        await grant(self.identity, str(staffer), role, str(unit.id))
        return await self.token(staffer)

    async def community(self, town: str = "xicheng") -> Community:
        """A community under a town of the district, made in identity and its path remembered
        by points as identity's events would."""
        if town not in self.towns:
            self.towns[town] = await create_unit(
                self.identity, "town", town, town, str(self.district.id)
            )
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(self.identity, "community", code, f"社区{code}", self.towns[town])
        found = Community(uuid.UUID(cid), await self._identity_val(UNIT_PATH, uuid.UUID(cid)))
        async with unit_of_work(self.session_factory) as session:
            await points_scope.remember_community(session, found.id, found.path)
            await session.commit()
        return found

    async def set_verified(self, person: uuid.UUID, verified: bool) -> None:
        status = "verified" if verified else "unverified"
        await self._identity_val(VERIFY_SQL, person, status, uuid.uuid4().hex * 2)

    async def _identity_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def open_resident(
        self, community: Community, *, name: str = "张三", verified: bool = True
    ) -> uuid.UUID:
        """A person registered with identity and their points account, as identity's events
        would open it; `verified` on both sides."""
        rid = await self.person(community, name)
        await self.set_verified(rid, verified)
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


UNIT_PATH = "SELECT path FROM org_units WHERE id = $1"
VERIFY_SQL = """UPDATE persons SET verification_status = $2,
                  id_number_hash = coalesce(id_number_hash, $3) WHERE id = $1"""


@pytest.fixture(scope="module")
async def points_module() -> AsyncIterator[PointsHarness]:
    """One identity and points (two databases, two apps) per test module."""
    kafka = support.bootstrap()
    async with running_identity(kafka) as idn, running_points(idn, kafka) as harness:
        yield harness


@pytest.fixture
async def points(points_module: PointsHarness) -> PointsHarness:
    """The module's stack with both clocks back at the real now (a test may have moved them)."""
    points_module.clock.now = datetime.now(UTC)
    points_module.identity.clock.now = datetime.now(UTC)
    return points_module


@pytest.fixture
async def points_alone(kafka: str) -> AsyncIterator[PointsHarness]:
    """A fresh identity and points of the test's own, for a test that counts what a job
    does over the whole database."""
    async with running_identity(kafka) as idn, running_points(idn, kafka) as harness:
        yield harness


@asynccontextmanager
async def running_points(identity: Identity, kafka: str) -> AsyncIterator[PointsHarness]:
    """A points app on a fresh scratch database, trusting `identity`'s tokens."""
    name = support.unique("points")
    url = await support.create_database(name)
    try:
        await support.migrate("points", url)
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
        units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
        district = Community(uuid.UUID(units[0]["id"]), units[0]["path"])
        # Identity's JWKS over HTTP semantics, in process; its issuer and audience.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identity.app)
        ) as to_identity:
            verifier = TokenVerifier(
                jwks_url=JWKS_URL,
                issuer=identity.settings.token_issuer,
                audience=identity.settings.token_audience,
                client=to_identity,
            )
            install_auth(app, verifier)
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://points"
                ) as client:
                    yield PointsHarness(client, clock, app, identity, url, district)
    finally:
        await support.drop_database(name)
