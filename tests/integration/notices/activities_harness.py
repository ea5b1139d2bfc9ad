"""Fixtures for the activities tests: a notices app in process on a scratch database, driven
over HTTP (ASGI), with tokens from a real identity app in process and an injectable clock.

One identity and notices stack per test module (`activities_module`); every test makes its
own community, people and activities, so they share the stack, not the data. `activities`
puts the clocks back (notices' at T0, identity's at now) for each test.

What notices learns from identity's events (units, verified residents) is written through its
own directory handlers, as its consumer would.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.identity import ResidentVerified
from kit.db import asyncpg_dsn, unit_of_work
from kit.deps import install_auth
from kit.events import ParsedEvent, new_event
from kit.jwks import TokenVerifier
from services.notices.app import create_app
from services.notices.config import Settings
from services.notices.directory import service as directory
from tests.integration import support
from tests.integration.identity.conftest import (
    Identity,
    create_unit,
    grant,
    register,
    running_identity,
)
from tests.integration.support import Clock

__all__ = ["ActivitiesHarness", "Person", "Unit", "activities", "activities_module"]

JWKS_URL = "http://identity/api/identity/.well-known/jwks.json"
PHONES = itertools.count(random.randrange(10**7))
UNIT_PATH = "SELECT path FROM org_units WHERE id = $1"
VERIFY_SQL = """UPDATE persons SET verification_status = 'verified',
                  id_number_hash = coalesce(id_number_hash, $2) WHERE id = $1"""
# Fixed so window arithmetic is exact: the start of a check-in code window.
T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class ActivitiesHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    district: Unit
    towns: dict[str, str] = field(default_factory=dict)

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def community(self, town: str = "xicheng") -> Unit:
        if town not in self.towns:
            self.towns[town] = await create_unit(
                self.identity, "town", town, town, str(self.district.id)
            )
        code = uuid.uuid4().hex[:12]
        cid = uuid.UUID(
            await create_unit(self.identity, "community", code, f"社区{code}", self.towns[town])
        )
        found = Unit(cid, await self._identity_val(UNIT_PATH, cid))
        async with unit_of_work(self.session_factory) as session:
            await directory.remember_path(session, found.path, community=True)
            await session.commit()
        return found

    async def resident(self, community: Unit, name: str = "李大妈") -> Person:
        """Registered and verified with identity, known to notices as its events make it."""
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        await self._identity_val(VERIFY_SQL, rid, uuid.uuid4().hex * 2)
        data = ResidentVerified(
            resident_id=str(rid),
            community_id=str(community.id),
            community_path=community.path,
            name=name,
            verified_at=datetime.now(UTC),
        )
        event = ParsedEvent(new_event(data, source="/services/identity", subject=str(rid)), data)
        async with unit_of_work(self.session_factory) as session:
            await directory.on_verified(session, event)
            await session.commit()
        return Person(rid, await self.identity.bearer(phone))

    async def staff(
        self, unit: Unit, role: str = "community_staff", *, home: Unit | None = None
    ) -> Person:
        """Staff granted `role` on `unit`, living in `home` (the unit itself by default)."""
        phone = f"138{next(PHONES) % 10**8:08d}"
        lives = home or unit
        pid = uuid.UUID(await register(self.identity, phone, "王干部", str(lives.id)))
        await grant(self.identity, str(pid), role, str(unit.id))
        return Person(pid, await self.identity.bearer(phone))

    async def organise(self, staff: Person, community: Unit, **overrides: Any) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/activities",
            json=draft(community, self.clock.now, **overrides),
            headers=staff.headers,
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def sign_up(self, who: Person, activity_id: str) -> httpx.Response:
        return await self.client.post(f"/api/activities/{activity_id}/signup", headers=who.headers)

    async def db_fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def _identity_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


def draft(community: Unit, now: datetime, **overrides: Any) -> dict[str, Any]:
    """An activity starting in two hours, lasting three."""
    return {
        "community_id": str(community.id),
        "title": "河道垃圾清理",
        "description": "清理村口河道两岸的垃圾",
        "place": "村委会门口集合",
        "activity_type": "环境整治",
        "capacity": 10,
        "starts_at": (now + timedelta(hours=2)).isoformat(),
        "ends_at": (now + timedelta(hours=5)).isoformat(),
        **overrides,
    }


@pytest.fixture(scope="module")
async def activities_module() -> AsyncIterator[ActivitiesHarness]:
    """One identity and notices (two databases, two apps) per test module."""
    kafka = support.bootstrap()
    async with running_identity(kafka) as idn, running_activities(idn, kafka) as harness:
        yield harness


@pytest.fixture
async def activities(activities_module: ActivitiesHarness) -> ActivitiesHarness:
    """The module's stack with notices' clock back at T0 and identity's at the real now (a
    test may have moved them)."""
    activities_module.clock.now = T0
    activities_module.identity.clock.now = datetime.now(UTC)
    return activities_module


@asynccontextmanager
async def running_activities(identity: Identity, kafka: str) -> AsyncIterator[ActivitiesHarness]:
    """A notices app on a fresh scratch database, trusting `identity`'s tokens."""
    name = support.unique("notices_act")
    url = await support.create_database(name)
    try:
        await support.migrate("notices", url)
        clock = Clock(T0)
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            # Tests feed identity's facts directly; a consumer would join the shared group.
            consumer_enabled=False,
        )
        app = create_app(settings, clock=clock)
        units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
        district = Unit(uuid.UUID(units[0]["id"]), units[0]["path"])
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identity.app)
        ) as to_identity:
            install_auth(
                app,
                TokenVerifier(
                    jwks_url=JWKS_URL,
                    issuer=identity.settings.token_issuer,
                    audience=identity.settings.token_audience,
                    client=to_identity,
                ),
            )
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://notices"
                ) as client:
                    yield ActivitiesHarness(client, clock, app, identity, url, district)
    finally:
        await support.drop_database(name)
