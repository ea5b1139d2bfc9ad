"""A petitions service on its own scratch database, driven in process over HTTP (ASGI).

One identity and petitions stack per test module (`petitions_module`); every test makes its
own communities, people and data, and its own towns (a town's code carries the test's run id),
so tests share the stack, not the data. `petitions` resets what a test may change on the
shared app: both clocks back at now, uploads in the test's own temporary directory.

Tokens are identity's own (identity runs in process on the same test stack and petitions
verifies them against its real JWKS). What petitions learns from identity's events (units,
residents, staff grants) is written through its own projection functions, as its consumers
would; the clock is injectable.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from kit.storage import LocalDiskStorage, install_storage
from services.petitions.app import create_app
from services.petitions.config import Settings
from services.petitions.directory import service as directory
from services.petitions.directory.models import Resident, StaffGrant
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
PHONES = itertools.count(random.randrange(10**7))
UNIT_PATH = "SELECT path FROM org_units WHERE id = $1"
VERIFY_SQL = """UPDATE persons SET verification_status = $2,
                  id_number_hash = coalesce(id_number_hash, $3) WHERE id = $1"""


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class PetitionsHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    district: Unit
    storage_dir: Path
    # The current test's towns by name; their codes carry `run`, so each test has its own.
    towns: dict[str, Unit] = field(default_factory=dict)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def town(self, code: str = "xicheng") -> Unit:
        if code not in self.towns:
            unique = f"{code}-{self.run}"
            tid = await create_unit(self.identity, "town", unique, unique, str(self.district.id))
            self.towns[code] = Unit(
                uuid.UUID(tid), await self._identity_val(UNIT_PATH, uuid.UUID(tid))
            )
        return self.towns[code]

    async def community(self, town: str = "xicheng") -> Unit:
        parent = await self.town(town)
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(self.identity, "community", code, f"社区{code}", str(parent.id))
        found = Unit(uuid.UUID(cid), await self._identity_val(UNIT_PATH, uuid.UUID(cid)))
        async with unit_of_work(self.session_factory) as session:
            await directory.remember_path(session, found.path, community=True)
            await session.commit()
        return found

    async def grid(self, community: Unit) -> Unit:
        code = uuid.uuid4().hex[:12]
        gid = await create_unit(self.identity, "grid", code, f"网格{code}", str(community.id))
        found = Unit(uuid.UUID(gid), await self._identity_val(UNIT_PATH, uuid.UUID(gid)))
        async with unit_of_work(self.session_factory) as session:
            await directory.remember_path(session, found.path)
            await session.commit()
        return found

    async def resident(
        self, community: Unit, name: str = "张三丰", *, verified: bool = True
    ) -> Person:
        """Registered with identity (and verified there), known to petitions as its events
        would make it."""
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        status = "verified" if verified else "unverified"
        await self._identity_val(VERIFY_SQL, rid, status, uuid.uuid4().hex * 2)
        async with unit_of_work(self.session_factory) as session:
            row = {"id": rid, "community_id": community.id, "name": name, "verified": verified}
            await session.execute(pg_insert(Resident).values(**row).on_conflict_do_nothing())
            await session.commit()
        return Person(rid, await self.identity.bearer(phone))

    async def staff(
        self, unit: Unit, role: str = "community_staff", name: str = "王干部"
    ) -> Person:
        kind = await self._identity_val("SELECT kind FROM org_units WHERE id = $1", unit.id)
        home = unit if kind == "community" else await self.community()
        phone = f"138{next(PHONES) % 10**8:08d}"
        pid = uuid.UUID(await register(self.identity, phone, name, str(home.id)))
        await grant(self.identity, str(pid), role, str(unit.id))
        async with unit_of_work(self.session_factory) as session:
            values = {"person_id": pid, "role": role, "unit_id": unit.id, "unit_path": unit.path}
            await session.execute(pg_insert(StaffGrant).values(**values).on_conflict_do_nothing())
            await session.commit()
        return Person(pid, await self.identity.bearer(phone))

    async def category(self, community: Unit, manager: Person, **overrides: Any) -> dict[str, Any]:
        body = {
            "community_id": str(community.id),
            "name": overrides.pop("name", f"环境卫生{uuid.uuid4().hex[:4]}"),
            "service_code": overrides.pop("service_code", f"env-{uuid.uuid4().hex[:6]}"),
            "accept_within_hours": 24,
            "resolve_within_days": 7,
            **overrides,
        }
        answer = await self.client.post(
            "/api/petitions/categories", json=body, headers=manager.headers
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def submit(
        self, author: Person, community: Unit, category: dict[str, Any], **overrides: Any
    ) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/petitions",
            json=draft(community, category, **overrides),
            headers=author.headers,
        )
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def act(
        self, who: Person, petition_id: str, action: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/petitions/{petition_id}/actions/{action}", json=body or {}, headers=who.headers
        )

    async def db_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def _identity_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


def draft(community: Unit, category: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "community_id": str(community.id),
        "category_id": category["id"],
        "title": "村口路灯坏了",
        "content": "村口的三盏路灯已经坏了一周，晚上出行不安全。",
        "location": {"lat": "31.210000", "long": "107.470000", "address": "通川区某村村口"},
        "visibility": "public",
        **overrides,
    }


@pytest.fixture(scope="module")
async def petitions_module(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[PetitionsHarness]:
    """One identity and petitions (two databases, two apps) per test module."""
    kafka = support.bootstrap()
    uploads = tmp_path_factory.mktemp("uploads")
    async with running_identity(kafka) as idn, running_petitions(idn, kafka, uploads) as h:
        yield h


@asynccontextmanager
async def running_petitions(
    identity: Identity, kafka: str, storage_dir: Path
) -> AsyncIterator[PetitionsHarness]:
    """A petitions app on a fresh scratch database, trusting `identity`'s tokens."""
    name = support.unique("petitions")
    url = await support.create_database(name)
    try:
        await support.migrate("petitions", url)
        clock = Clock()
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            # Tests feed identity's facts directly; a consumer would join the shared group.
            consumer_enabled=False,
            storage_dir=storage_dir,
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
                    transport=transport, base_url="http://petitions"
                ) as client:
                    yield PetitionsHarness(
                        client, clock, app, identity, url, district, settings.storage_root
                    )
    finally:
        await support.drop_database(name)


@pytest.fixture
async def petitions(petitions_module: PetitionsHarness, tmp_path: Path) -> PetitionsHarness:
    """The module's stack for one test: both clocks at the real now (a test may have moved
    them), towns of its own, and its uploads in its own directory (so files can be counted)."""
    h = petitions_module
    h.clock.now = datetime.now(UTC)
    h.identity.clock.now = datetime.now(UTC)
    h.towns = {}
    h.run = uuid.uuid4().hex[:8]
    h.storage_dir = tmp_path / "uploads"
    install_storage(h.app, LocalDiskStorage(h.storage_dir))
    return h
