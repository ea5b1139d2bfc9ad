"""Fixtures for the attachments tests: the module's petitions app in process on its scratch
database (conftest's `petitions_module`), each test's uploads in its own temporary directory,
tokens from a real identity app in process.

Petitions are written as rows (the Petition model holds every column) so these tests do not
depend on the submit flow; timeline entries go through cases.timeline, as the actions would.
"""

from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, unit_of_work
from services.petitions.cases import timeline
from services.petitions.cases.models import Petition
from services.petitions.categories.models import Category
from tests.integration.identity.conftest import Identity, create_unit, grant, register
from tests.integration.petitions.conftest import PetitionsHarness
from tests.integration.support import Clock

__all__ = ["AttachHarness", "Person", "Unit", "attach", "attach_module"]

PHONES = itertools.count(random.randrange(10**7))
UNIT_PATH = "SELECT path FROM org_units WHERE id = $1"


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class AttachHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    storage_dir: Path
    district: Unit
    town_ids: dict[str, str] = field(default_factory=dict)
    categories: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def community(self, town: str = "xicheng") -> Unit:
        if town not in self.town_ids:
            self.town_ids[town] = await create_unit(
                self.identity, "town", town, town, str(self.district.id)
            )
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(
            self.identity, "community", code, f"社区{code}", self.town_ids[town]
        )
        return Unit(uuid.UUID(cid), await self._identity_val(UNIT_PATH, uuid.UUID(cid)))

    async def resident(self, community: Unit, name: str = "张三丰") -> Person:
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        return Person(rid, await self.identity.bearer(phone))

    async def staff(self, unit: Unit, role: str = "community_staff") -> Person:
        phone = f"138{next(PHONES) % 10**8:08d}"
        pid = uuid.UUID(await register(self.identity, phone, "王干部", str(unit.id)))
        await grant(self.identity, str(pid), role, str(unit.id))
        return Person(pid, await self.identity.bearer(phone))

    async def petition(
        self,
        author: Person,
        community: Unit,
        *,
        status: str = "submitted",
        visibility: str = "public",
        assignee: Person | None = None,
    ) -> uuid.UUID:
        """A petition row as submit (and the staff's later actions) would leave it."""
        now = self.clock()
        async with unit_of_work(self.session_factory) as session:
            petition = Petition(
                id=uuid.uuid4(),
                community_id=community.id,
                community_path=community.path,
                category_id=await self._category(session, community),
                author_id=author.id,
                author_name="张三丰",
                title="村口路灯坏了",
                content="村口的三盏路灯已经坏了一周，晚上出行不安全。",
                visibility=visibility,
                status=status,
                assignee_id=assignee.id if assignee else None,
                accept_due_at=now + timedelta(hours=24),
            )
            session.add(petition)
            await session.commit()
            return petition.id

    async def set_status(self, petition_id: uuid.UUID, status: str) -> None:
        async with unit_of_work(self.session_factory) as session:
            await session.execute(
                update(Petition).where(Petition.id == petition_id).values(status=status)
            )
            await session.commit()

    async def entry(self, petition_id: uuid.UUID, photos: list[str], *, public: bool) -> None:
        """A progress update (public) or a staff note (not public) showing `photos`."""
        async with unit_of_work(self.session_factory) as session:
            petition = await session.get(Petition, petition_id, with_for_update=True)
            assert petition is not None
            await timeline.add_entry(
                session,
                petition,
                at=self.clock(),
                kind="progress" if public else "note",
                public=public,
                actor_role="staff",
                body="已联系电工",
                attachment_ids=photos,
            )
            await session.commit()

    async def upload(
        self,
        who: Person,
        petition_id: uuid.UUID,
        data: bytes,
        *,
        filename: str = "photo.jpg",
        declared: str = "image/jpeg",
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/petitions/{petition_id}/attachments",
            files={"file": (filename, data, declared)},
            headers=who.headers,
        )

    async def read(self, attachment_id: str, who: Person | None = None) -> httpx.Response:
        headers = who.headers if who is not None else {}
        return await self.client.get(f"/api/petitions/attachments/{attachment_id}", headers=headers)

    async def db_val(self, sql: str, *args: object) -> object:
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def _category(self, session: AsyncSession, community: Unit) -> uuid.UUID:
        if community.id not in self.categories:
            category = Category(
                id=uuid.uuid4(),
                community_id=community.id,
                name="公共设施",
                service_code="facilities",
                accept_within_hours=24,
                resolve_within_days=7,
            )
            session.add(category)
            await session.flush()
            self.categories[community.id] = category.id
        return self.categories[community.id]

    async def _identity_val(self, sql: str, *args: object) -> str:
        conn = await asyncpg.connect(asyncpg_dsn(self.identity.database_url))
        try:
            return str(await conn.fetchval(sql, *args))
        finally:
            await conn.close()


@pytest.fixture(scope="module")
def attach_module(petitions_module: PetitionsHarness) -> AttachHarness:
    """The module's petitions stack with the attachments tests' helpers (their towns and
    categories are remembered for the module; every test makes its own community)."""
    h = petitions_module
    district = Unit(h.district.id, h.district.path)
    return AttachHarness(
        h.client, h.clock, h.app, h.identity, h.database_url, h.storage_dir, district
    )


@pytest.fixture
def attach(attach_module: AttachHarness, petitions: PetitionsHarness) -> AttachHarness:
    """For one test: `petitions` has reset the clocks and given the app this test's own
    upload directory, so the files a test finds there are its own."""
    attach_module.storage_dir = petitions.storage_dir
    return attach_module
