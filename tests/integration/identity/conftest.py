"""An identity service on its own scratch database, driven in process over HTTP (ASGI)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.identity.app import create_app
from services.identity.config import Settings
from tests.integration import support
from tests.integration.support import Clock

ADMIN_PHONE = "13800000000"
ADMIN_PASSWORD = "Admin@2026"
PASSWORD = "Passw0rd!"


@dataclass
class Identity:
    client: httpx.AsyncClient
    clock: Clock
    database_url: str
    settings: Settings
    app: Any

    async def login(self, phone: str, password: str = PASSWORD) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/identity/auth/login", json={"phone": phone, "password": password}
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def bearer(self, phone: str, password: str = PASSWORD) -> dict[str, str]:
        tokens = await self.login(phone, password)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    async def admin(self) -> dict[str, str]:
        return await self.bearer(ADMIN_PHONE, ADMIN_PASSWORD)


def identity_settings(database_url: str, kafka: str) -> Settings:
    return Settings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka,
        first_admin_phone=ADMIN_PHONE,
        first_admin_password=ADMIN_PASSWORD,
        outbox_poll_seconds=1,
    )


@asynccontextmanager
async def running_identity(kafka: str) -> AsyncIterator[Identity]:
    """An identity app on a fresh scratch database, dropped on the way out."""
    name = support.unique("identity")
    url = await support.create_database(name)
    try:
        await support.migrate("identity", url)
        clock = Clock()
        settings = identity_settings(url, kafka)
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://identity") as client:
                yield Identity(client, clock, url, settings, app)
    finally:
        await support.drop_database(name)


@pytest.fixture
async def identity(kafka: str) -> AsyncIterator[Identity]:
    async with running_identity(kafka) as running:
        yield running


@dataclass
class Tree:
    """Tongchuan District with two towns and a community under each."""

    district: str
    xicheng: str
    xiaobeijie: str
    fuxing: str
    fuxing_sq: str


async def create_unit(idn: Identity, kind: str, code: str, name: str, parent: str) -> str:
    body = {"kind": kind, "code": code, "name": name, "parent_id": parent}
    answer = await idn.client.post("/api/identity/org-units", json=body, headers=await idn.admin())
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


@pytest.fixture
async def tree(identity: Identity) -> Tree:
    units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
    district = units[0]["id"]
    xicheng = await create_unit(identity, "town", "xicheng", "西城街道", district)
    fuxing = await create_unit(identity, "town", "fuxing", "复兴镇", district)
    return Tree(
        district=district,
        xicheng=xicheng,
        xiaobeijie=await create_unit(identity, "community", "xbj", "小北街社区", xicheng),
        fuxing=fuxing,
        fuxing_sq=await create_unit(identity, "community", "fxsq", "复兴社区", fuxing),
    )


async def register(idn: Identity, phone: str, name: str, community_id: str) -> str:
    body = {"phone": phone, "password": PASSWORD, "name": name, "community_id": community_id}
    answer = await idn.client.post("/api/identity/residents", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def grant(idn: Identity, person_id: str, role: str, unit_id: str) -> str:
    body = {"person_id": person_id, "role": role, "unit_id": unit_id}
    answer = await idn.client.post(
        "/api/identity/staff-roles", json=body, headers=await idn.admin()
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def staff_of(idn: Identity, phone: str, name: str, community_id: str) -> dict[str, str]:
    """A community_staff member of the community; returns their bearer header."""
    person = await register(idn, phone, name, community_id)
    await grant(idn, person, "community_staff", community_id)
    return await idn.bearer(phone)
