"""A petitions service on its own scratch database, in process over ASGI, with a movable clock,
for the deadlines job and the cadre dashboard.

Tokens are identity's own (an identity app runs in process on the same test stack; petitions
verifies them against its real JWKS). Org units are made through identity's API and
remembered by petitions as its consumers would; categories and petitions are written straight
into petitions' tables in the states a test needs (the actions' API is tested elsewhere).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.auth import Principal, principal_from_claims
from kit.db import asyncpg_dsn, unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from kit.migrate import upgrade_head
from services.petitions.app import create_app
from services.petitions.cases.models import Petition, TimelineEntry
from services.petitions.categories.models import Category
from services.petitions.config import Settings
from services.petitions.deadlines import service as deadlines
from services.petitions.directory import service as directory
from tests.integration import support
from tests.integration.identity.conftest import Identity, create_unit, grant, register
from tests.integration.identity.conftest import identity as identity  # the fixture
from tests.integration.support import Clock

JWKS_URL = "http://identity/api/identity/.well-known/jwks.json"
PHONES = itertools.count(random.randrange(10**7))  # identity's phones are unique per database
UNIT_PATH = "SELECT path FROM org_units WHERE id = $1"


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass
class Harness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    district: Unit
    towns: dict[str, Unit] = field(default_factory=dict)

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def town(self, code: str) -> Unit:
        if code not in self.towns:
            tid = await create_unit(self.identity, "town", code, code, str(self.district.id))
            self.towns[code] = await self._unit(tid)
        return self.towns[code]

    async def community(self, town: str = "xicheng") -> Unit:
        """A community under a town, made in identity and remembered by petitions."""
        parent = await self.town(town)
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(self.identity, "community", code, f"社区{code}", str(parent.id))
        found = await self._unit(cid)
        async with unit_of_work(self.session_factory) as session:
            await directory.remember_path(session, found.path, community=True)
            await session.commit()
        return found

    async def staff(self, unit: Unit, role: str = "community_staff") -> dict[str, str]:
        """Bearer header of a staff member holding `role` on `unit`; a town's managers hold
        district_admin on it (identity grants community roles on communities only)."""
        home = unit if unit.path.count("/") >= 3 else await self.community()
        phone = f"139{next(PHONES) % 10**8:08d}"
        person = await register(self.identity, phone, "王干部", str(home.id))
        await grant(self.identity, person, role, str(unit.id))
        return await self.identity.bearer(phone)

    async def resident(self, community: Unit) -> dict[str, str]:
        phone = f"139{next(PHONES) % 10**8:08d}"
        await register(self.identity, phone, "张三", str(community.id))
        return await self.identity.bearer(phone)

    async def principal(self, headers: dict[str, str]) -> Principal:
        """Who the bearer is, as petitions' own token check sees them."""
        token = headers["Authorization"].removeprefix("Bearer ")
        return principal_from_claims(await self.app.state.token_verifier.verify(token))

    async def category(
        self, community: Unit, name: str = "环境卫生", *, accept_hours: int = 24, days: int = 3
    ) -> Category:
        async with unit_of_work(self.session_factory) as session:
            category = Category(
                community_id=community.id,
                name=name,
                service_code=uuid.uuid4().hex[:8],
                accept_within_hours=accept_hours,
                resolve_within_days=days,
            )
            session.add(category)
            await session.commit()
            await session.refresh(category)
            session.expunge(category)  # read after the session, as plain values
            return category

    async def petition(
        self, community: Unit, category: Category, *, at: datetime, **values: Any
    ) -> uuid.UUID:
        """A petition raised at `at` (accept deadline from its category) in the given state."""
        row = {
            "community_id": community.id,
            "community_path": community.path,
            "category_id": category.id,
            "author_id": uuid.uuid4(),
            "author_name": "张三",
            "title": "路灯不亮",
            "content": "小区门口的路灯坏了一周",
            "visibility": "public",
            "created_at": at,
            "accept_due_at": at + timedelta(hours=category.accept_within_hours),
            **values,
        }
        async with unit_of_work(self.session_factory) as session:
            petition = Petition(**row)
            session.add(petition)
            await session.commit()
            return petition.id

    async def get(self, petition_id: uuid.UUID) -> Petition:
        async with unit_of_work(self.session_factory) as session:
            found = await session.get(Petition, petition_id)
            assert found is not None
            session.expunge(found)
            return found

    async def update(self, petition_id: uuid.UUID, **values: Any) -> None:
        async with unit_of_work(self.session_factory) as session:
            found = await session.get(Petition, petition_id)
            assert found is not None
            for name, value in values.items():
                setattr(found, name, value)
            await session.commit()

    async def timeline(self, petition_id: uuid.UUID, kind: str) -> list[TimelineEntry]:
        async with unit_of_work(self.session_factory) as session:
            stmt = select(TimelineEntry).where(
                TimelineEntry.petition_id == petition_id, TimelineEntry.kind == kind
            )
            found = list((await session.scalars(stmt.order_by(TimelineEntry.seq))).all())
            session.expunge_all()
            return found

    async def outbox(self, petition_id: uuid.UUID, event_type: str) -> list[dict[str, Any]]:
        """The outbox rows of the petition's events of one type, oldest first."""
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            rows = await conn.fetch(
                "SELECT payload FROM outbox WHERE aggregateid = $1 AND type = $2 ORDER BY seq",
                str(petition_id),
                event_type,
            )
        finally:
            await conn.close()
        return [json.loads(r["payload"]) for r in rows]

    async def run_job(self) -> dict[str, int]:
        """One run of the deadlines job at the harness clock's now (as the scheduler would)."""
        return await deadlines.run_deadlines(session_factory=self.session_factory, now=self.clock())

    async def _unit(self, unit_id: str) -> Unit:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            path = await conn.fetchval(UNIT_PATH, uuid.UUID(unit_id))
        finally:
            await conn.close()
        return Unit(uuid.UUID(unit_id), str(path))


@pytest.fixture
async def petitions(kafka: str, identity: Identity) -> AsyncIterator[Harness]:
    name = support.unique("petitions")
    url = await support.create_database(name)
    try:
        await asyncio.to_thread(upgrade_head, "petitions", url)
        clock = Clock()
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            # A consumer would join the shared "petitions" group; tests feed the projection.
            consumer_enabled=False,
        )
        app = create_app(settings, clock=clock)
        to_identity = httpx.AsyncClient(transport=httpx.ASGITransport(app=identity.app))
        verifier = TokenVerifier(
            jwks_url=JWKS_URL,
            issuer=identity.settings.token_issuer,
            audience=identity.settings.token_audience,
            client=to_identity,
        )
        install_auth(app, verifier)
        units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
        district = Unit(uuid.UUID(units[0]["id"]), units[0]["path"])
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            base = "http://petitions"
            async with httpx.AsyncClient(transport=transport, base_url=base) as client:
                yield Harness(client, clock, app, identity, url, district)
        await to_identity.aclose()
    finally:
        await support.drop_database(name)
