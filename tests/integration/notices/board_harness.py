"""Fixtures for the notices board tests: a notices app in process on a scratch database, with
tokens from a real identity app in process and an injectable clock.

One identity and notices stack per test module (`board_module`); every test makes its own
communities, people and notices, and its own towns (a town's code carries the test's run id).
`board` resets what a test may change on the shared app: both clocks back at now, uploads in
the test's own directory. A test that publishes for the whole district (seen by every
resident) or counts what the publishing job does over the whole database asks for
`board_alone`, a fresh stack of its own.

What notices learns from identity's events (units, residents with their households) is written
as its projection would hold it; the publishing job is called directly with the moved clock.
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
from services.notices.app import create_app
from services.notices.board.jobs import publish_due
from services.notices.config import Settings
from services.notices.directory import service as directory
from services.notices.directory.models import Resident
from tests.integration import support
from tests.integration.identity.conftest import (
    Identity,
    create_unit,
    grant,
    register,
    running_identity,
)
from tests.integration.support import Clock

__all__ = ["BoardHarness", "Person", "Unit", "board", "board_alone", "board_module"]

JWKS_URL = "http://identity/api/identity/.well-known/jwks.json"
PHONES = itertools.count(random.randrange(10**7))
UNIT_SQL = "SELECT path, kind FROM org_units WHERE id = $1"


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class BoardHarness:
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
            self.towns[code] = await self._known(uuid.UUID(tid))
        return self.towns[code]

    async def community(self, town: str = "xicheng") -> Unit:
        parent = await self.town(town)
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(self.identity, "community", code, f"社区{code}", str(parent.id))
        return await self._known(uuid.UUID(cid), community=True)

    async def resident(
        self, community: Unit, name: str = "李大爷", household: uuid.UUID | None = None
    ) -> Person:
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        row = {
            "id": rid,
            "community_id": community.id,
            "community_path": community.path,
            "household_id": household,
            "name": name,
            "verified": True,
        }
        async with unit_of_work(self.session_factory) as session:
            await session.execute(pg_insert(Resident).values(**row).on_conflict_do_nothing())
            await session.commit()
        return Person(rid, await self.identity.bearer(phone))

    async def staff(self, unit: Unit, role: str = "community_staff") -> Person:
        _, kind = await self._identity_row(unit.id)
        home = unit if kind == "community" else await self.community()
        phone = f"138{next(PHONES) % 10**8:08d}"
        pid = uuid.UUID(await register(self.identity, phone, "王干部", str(home.id)))
        await grant(self.identity, str(pid), role, str(unit.id))
        return Person(pid, await self.identity.bearer(phone))

    async def create(self, who: Person, unit: Unit, **fields: Any) -> httpx.Response:
        body = {
            "unit_id": str(unit.id),
            "category": "village_affairs",
            "title": "关于村道硬化工程的公示",
            "body": "村道硬化工程已完工，**验收合格**。",
            **fields,
        }
        return await self.client.post("/api/notices", json=body, headers=who.headers)

    async def published(self, who: Person, unit: Unit, **fields: Any) -> dict[str, Any]:
        created = await self.create(who, unit, **fields)
        assert created.status_code == 201, created.text
        answer = await self.act(who, created.json()["id"], "publish")
        assert answer.status_code == 200, answer.text
        result: dict[str, Any] = answer.json()
        return result

    async def act(
        self, who: Person, notice_id: str, action: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/notices/{notice_id}/{action}", json=body or {}, headers=who.headers
        )

    async def ids(self, who: Person, query: str = "") -> list[str]:
        answer = await self.client.get(f"/api/notices{query}", headers=who.headers)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    async def run_job(self) -> int:
        return await publish_due(session_factory=self.session_factory, now=self.clock())

    async def db_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def _known(self, unit_id: uuid.UUID, *, community: bool = False) -> Unit:
        path, _ = await self._identity_row(unit_id)
        async with unit_of_work(self.session_factory) as session:
            await directory.remember_path(session, path, community=community)
            await session.commit()
        return Unit(unit_id, path)

    async def _identity_row(self, unit_id: uuid.UUID) -> tuple[str, str]:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            row = await conn.fetchrow(UNIT_SQL, unit_id)
        finally:
            await conn.close()
        assert row is not None
        return str(row["path"]), str(row["kind"])


@pytest.fixture(scope="module")
async def board_module(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BoardHarness]:
    """One identity and notices (two databases, two apps) per test module."""
    kafka = support.bootstrap()
    uploads = tmp_path_factory.mktemp("uploads")
    async with running_identity(kafka) as idn, running_board(idn, kafka, uploads) as harness:
        yield harness


@pytest.fixture
async def board(board_module: BoardHarness, tmp_path: Path) -> BoardHarness:
    """The module's stack for one test: both clocks at the real now (a test may have moved
    them), towns of its own, and its uploads in its own directory."""
    h = board_module
    h.clock.now = datetime.now(UTC)
    h.identity.clock.now = datetime.now(UTC)
    h.towns = {}
    h.run = uuid.uuid4().hex[:8]
    h.storage_dir = tmp_path / "uploads"
    install_storage(h.app, LocalDiskStorage(h.storage_dir))
    return h


@pytest.fixture
async def board_alone(tmp_path: Path) -> AsyncIterator[BoardHarness]:
    """A fresh identity and notices of the test's own, for a test whose notices every
    resident of the district would see, or that counts the publishing job's whole work."""
    kafka = support.bootstrap()
    uploads = tmp_path / "uploads"
    async with running_identity(kafka) as idn, running_board(idn, kafka, uploads) as harness:
        yield harness


@asynccontextmanager
async def running_board(
    identity: Identity, kafka: str, storage_dir: Path
) -> AsyncIterator[BoardHarness]:
    """A notices app on a fresh scratch database, trusting `identity`'s tokens."""
    name = support.unique("notices_board")
    url = await support.create_database(name)
    try:
        await support.migrate("notices", url)
        clock = Clock()
        settings = Settings(
            database_url=url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            consumer_enabled=False,
            storage_dir=storage_dir,
        )
        app = create_app(settings, clock=clock)
        units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
        district = Unit(uuid.UUID(units[0]["id"]), units[0]["path"])
        async with unit_of_work(app.state.runtime.session_factory) as session:
            await directory.remember_path(session, district.path)
            await session.commit()
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
                    yield BoardHarness(
                        client, clock, app, identity, url, district, settings.storage_root
                    )
    finally:
        await support.drop_database(name)
