"""The Open311 face end to end: identity (real, in process) issues partners' API keys, their
events travel over Kafka and are applied by petitions' own subscription table, petitions and
a gateway run under uvicorn on loopback ports, so third-party Open311 clients speak real HTTP
to the gateway's /open311/v2. One stack per test module; each test makes its own community
(its own jurisdiction), so tests do not see each other's requests."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.config import Settings as GatewaySettings
from gateway.proxy import close_routing, install_routing
from kit.db import unit_of_work
from kit.events import parse_event
from kit.web import create_web_app
from services.identity.app import create_app as create_identity
from services.petitions.app import create_app as create_petitions
from services.petitions.cases import service as cases
from services.petitions.cases import timeline
from services.petitions.cases.models import Petition
from services.petitions.categories import service as categories
from services.petitions.categories.schemas import CategoryCreate
from services.petitions.config import Settings
from services.petitions.consumers import HANDLERS
from services.petitions.directory import service as directory
from services.petitions.models import Category
from tests.integration import support
from tests.integration.identity.conftest import Identity, create_unit, identity_settings
from tests.integration.support import Clock

IDENTITY_TOPIC = "identity.events"
ATTRIBUTES = [
    {
        "code": "SIZE",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "垃圾量",
        "order": 2,
        "values": [{"key": "small", "name": "少量"}, {"key": "large", "name": "大量"}],
    },
    {
        "code": "KINDS",
        "datatype": "multivaluelist",
        "required": False,
        "description": "种类",
        "order": 1,
        "values": [{"key": "glass", "name": "玻璃"}, {"key": "paper", "name": "纸"}],
    },
]


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serving(app: Any, **options: Any) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free loopback port, in this event loop."""
    sock = bound_socket()
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1, **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@asynccontextmanager
async def gateway_to(petitions_url: str, **limits: Any) -> AsyncIterator[str]:
    """A gateway routing only to petitions; its URL. As the real one: no Server header."""
    settings = GatewaySettings(service_urls={"petitions": [petitions_url]}, **limits)
    app = create_web_app(service="gateway", title="t", api_prefix="")
    install_routing(app, settings)
    try:
        async with serving(app, proxy_headers=False, server_header=False) as url:
            yield url
    finally:
        await close_routing(app)


@dataclass
class PartnerKey:
    partner_id: str
    key_id: str
    api_key: str


@dataclass
class Open311Stack:
    identity: Identity
    app: FastAPI
    clock: Clock
    kafka: str
    petitions_url: str
    gateway_url: str
    district: str
    town: str

    @property
    def base(self) -> str:
        """The Open311 base URL a partner is given: the gateway's /open311/v2."""
        return f"{self.gateway_url}/open311/v2"

    @property
    def factory(self) -> async_sessionmaker[AsyncSession]:
        found: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return found

    async def community(self) -> uuid.UUID:
        """A community made in identity, remembered by petitions as identity's events would."""
        code = uuid.uuid4().hex[:12]
        cid = await create_unit(self.identity, "community", code, f"社区{code}", self.town)
        units = (
            await self.identity.client.get(
                f"/api/identity/org-units/{cid}", headers=await self.identity.admin()
            )
        ).json()
        async with unit_of_work(self.factory) as session:
            await directory.remember_path(session, units["path"], community=True)
            await session.commit()
        return uuid.UUID(cid)

    async def category(
        self,
        community: uuid.UUID,
        code: str,
        name: str,
        *,
        attributes: list[dict[str, Any]] | None = None,
        description: str = "",
    ) -> Category:
        body = CategoryCreate.model_validate(
            {
                "community_id": community,
                "name": name,
                "description": description,
                "service_code": code,
                "accept_within_hours": 24,
                "resolve_within_days": 7,
                "attributes": attributes or [],
            }
        )
        async with unit_of_work(self.factory) as session:
            path = await directory.community_path(session, community)
            assert path is not None
            found = await categories.create(session=session, body=body, community_path=path)
            await session.commit()
            return found

    async def api_key(self, name: str = "12345 市民热线") -> PartnerKey:
        """A partner and a key issued by identity's API, its event applied by petitions."""
        admin = await self.identity.admin()
        created = await self.identity.client.post(
            "/api/identity/partners", json={"name": name}, headers=admin
        )
        partner = created.json()["partner_id"]
        issued = await self.identity.client.post(
            f"/api/identity/partners/{partner}/api-keys", json={}, headers=admin
        )
        assert issued.status_code == 201, issued.text
        await self.project(partner, 1)
        return PartnerKey(partner, issued.json()["key_id"], issued.json()["api_key"])

    async def revoke(self, key: PartnerKey, *, events: int) -> None:
        answer = await self.identity.client.post(
            f"/api/identity/partners/{key.partner_id}/api-keys/{key.key_id}/revoke",
            headers=await self.identity.admin(),
        )
        assert answer.status_code == 200, answer.text
        await self.project(key.partner_id, events)

    async def project(self, partner_id: str, count: int) -> None:
        """Identity's events about the partner as Kafka carries them (the relay published
        them), applied through petitions' subscription table, each in its transaction."""

        def mine(records: list[Any]) -> list[Any]:
            return [r for r in records if r.key == partner_id.encode()]

        records = await support.read_topic(
            self.kafka, IDENTITY_TOPIC, until=lambda rs: len(mine(rs)) >= count, timeout=30
        )
        assert len(mine(records)) >= count, "identity's events did not reach Kafka"
        for record in mine(records):
            event = parse_event(record.value)
            async with unit_of_work(self.factory) as session:
                await HANDLERS[event.envelope.type](session, event)
                await session.commit()

    async def resident_petition(
        self,
        category: Category,
        *,
        title: str = "路灯不亮",
        content: str = "小区门口路灯坏了",
        visibility: str = "public",
        at: datetime | None = None,
        author_name: str = "张秀英",
    ) -> uuid.UUID:
        """A resident's petition, raised as the app raises it."""
        async with unit_of_work(self.factory) as session:
            path = await directory.community_path(session, category.community_id)
            assert path is not None
            draft = cases.Draft(
                community_id=category.community_id,
                community_path=path,
                category=category,
                title=title,
                content=content,
                lat=Decimal("31.210000"),
                long=Decimal("107.470000"),
                address="小北街 3 号",
                visibility=visibility,
                anonymous_on_board=False,
                attributes={"SIZE": "small"} if category.attributes else {},
            )
            petition = await cases.submit(
                session=session,
                draft=draft,
                author_id=uuid.uuid4(),
                author_name=author_name,
                now=at or self.clock(),
            )
            await session.commit()
            return petition.id

    async def move(
        self, petition_id: uuid.UUID, status: str, *, note: str | None = None, public: bool = True
    ) -> None:
        """Staff's work as its result: the petition in `status`, with a status entry."""
        async with unit_of_work(self.factory) as session:
            petition = await session.get(Petition, petition_id, with_for_update=True)
            assert petition is not None
            before = petition.status
            await session.execute(
                update(Petition).where(Petition.id == petition_id).values(status=status)
            )
            await timeline.add_entry(
                session,
                petition,
                at=self.clock(),
                kind="status",
                public=public,
                actor_role="staff",
                from_status=before,
                to_status=status,
                body=note,
            )
            await session.commit()

    async def count(self, model: Any, *where: Any) -> int:
        async with unit_of_work(self.factory) as session:
            return int(
                await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )


@pytest.fixture(scope="module")
async def o311() -> AsyncIterator[Open311Stack]:
    kafka = support.bootstrap()
    names = [support.unique("identity"), support.unique("petitions")]
    id_url, pet_url = [await support.create_database(n) for n in names]
    try:
        await support.migrate("identity", id_url)
        await support.migrate("petitions", pet_url)
        id_settings = identity_settings(id_url, kafka)
        identity_app = create_identity(id_settings, clock=Clock())
        clock = Clock()
        settings = Settings(
            database_url=pet_url,
            kafka_bootstrap_servers=kafka,
            outbox_poll_seconds=1,
            # A consumer would join the shared "petitions" group on the broker; the tests
            # apply identity's events through the same handler table instead.
            consumer_enabled=False,
        )
        app = create_petitions(settings, clock=clock)
        async with (
            identity_app.router.lifespan_context(identity_app),
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=identity_app), base_url="http://identity"
            ) as to_identity,
            serving(app) as petitions_url,
            gateway_to(petitions_url) as gateway_url,
        ):
            identity = Identity(to_identity, Clock(), id_url, id_settings, identity_app)
            units = (await to_identity.get("/api/identity/org-units?kind=district")).json()
            district = units[0]["id"]
            town = await create_unit(identity, "town", uuid.uuid4().hex[:8], "西城街道", district)
            yield Open311Stack(
                identity, app, clock, kafka, petitions_url, gateway_url, district, town
            )
    finally:
        for name in names:
            await support.drop_database(name)
