"""A mall service on its own scratch database, driven in process over HTTP (ASGI), with the
points side of the saga on its own scratch database.

Tokens are identity's own (identity runs in process; the mall verifies them against its
real JWKS). What the mall learns from identity's events is written through its projection.
The saga runs for real on both databases: `pump()` carries each service's outbox events to
the other's handlers (as the relay and consumer would over Kafka) until nothing moves, so
holds, settlements and releases are points' own code against points' own ledger.
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, make_engine, make_session_factory, unit_of_work
from kit.deps import install_auth
from kit.events import CloudEvent, ParsedEvent, validate_data
from kit.jwks import TokenVerifier
from kit.member_code import member_code_verifier
from services.mall import consumers as mall_consumers
from services.mall.app import create_app
from services.mall.catalog.models import Counter, Item, Stock
from services.mall.config import Settings
from services.mall.counter.member_codes import install_member_code_verifier
from services.mall.directory import service as directory
from services.mall.directory.models import Resident
from services.points import consumers as points_consumers
from services.points.ledger import double_entry as ledger
from services.points.ledger import service as postings
from services.points.ledger import wallets as accounts
from services.points.ledger.models import Account
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
OUTBOX_AFTER = "SELECT seq, payload FROM outbox WHERE seq > $1 ORDER BY seq"


@dataclass(frozen=True)
class Unit:
    id: uuid.UUID
    path: str


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]
    phone: str = ""


@dataclass(frozen=True)
class Shelf:
    """An item on sale at one counter of a community."""

    community: Unit
    counter_id: uuid.UUID
    item_id: uuid.UUID
    price: int


@dataclass
class MallHarness:
    client: httpx.AsyncClient
    clock: Clock
    app: FastAPI
    identity: Identity
    database_url: str
    points: support.Db
    district: Unit
    towns: dict[str, Unit] = field(default_factory=dict)
    # How far each outbox has been carried to the other service.
    seen: dict[str, int] = field(default_factory=lambda: {"mall": 0, "points": 0})

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def town(self, code: str = "xicheng") -> Unit:
        if code not in self.towns:
            tid = await create_unit(self.identity, "town", code, code, str(self.district.id))
            path = await self._identity_val(UNIT_PATH, uuid.UUID(tid))
            self.towns[code] = Unit(uuid.UUID(tid), path)
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

    async def resident(
        self, community: Unit, *, points: int = 0, verified: bool = True, name: str = "李大爷"
    ) -> Person:
        """Registered (and verified) with identity, known to the mall and to points as their
        consumers would make it, holding `points` from an award."""
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, str(community.id)))
        status = "verified" if verified else "unverified"
        await self._identity_val(VERIFY_SQL, rid, status, uuid.uuid4().hex * 2)
        async with unit_of_work(self.session_factory) as session:
            row = {"id": rid, "community_id": community.id, "name": name, "verified": verified}
            await session.execute(
                Resident.__table__.insert().values(**row)  # type: ignore[attr-defined]
            )
            await session.commit()
        await self.open_wallet(rid, community, points=points, verified=verified)
        return Person(rid, await self.identity.bearer(phone), phone)

    async def open_wallet(
        self, resident_id: uuid.UUID, community: Unit, *, points: int, verified: bool
    ) -> None:
        async with unit_of_work(self.points.factory) as session:
            await accounts.open_resident(
                session,
                resident_id=resident_id,
                community_id=community.id,
                community_path=community.path,
                name="居民",
                phone_hash=None,
            )
            await session.execute(
                update(Account).where(Account.resident_id == resident_id).values(verified=verified)
            )
            if points:
                wallet = await accounts.lock_wallet(session, resident_id)
                assert wallet is not None
                fact = ledger.Fact(
                    "test", uuid.uuid4().hex, "tester", "seed", self.clock.now, "ITEM"
                )
                await postings.award(session, wallet=wallet, amount=points, fact=fact)
            await session.commit()

    async def staff(
        self, unit: Unit, role: str = "community_staff", name: str = "王干部"
    ) -> Person:
        kind = await self._identity_val("SELECT kind FROM org_units WHERE id = $1", unit.id)
        home = unit if kind == "community" else await self.community()
        phone = f"138{next(PHONES) % 10**8:08d}"
        pid = uuid.UUID(await register(self.identity, phone, name, str(home.id)))
        await grant(self.identity, str(pid), role, str(unit.id))
        return Person(pid, await self.identity.bearer(phone), phone)

    async def shelf(
        self,
        community: Unit,
        *,
        price: int = 30,
        stock: int = 10,
        limit: tuple[int, str] | None = None,
        **item: Any,
    ) -> Shelf:
        """A counter and an item with `stock` units there, written as the catalog would."""
        counter_id, item_id = uuid.uuid4(), uuid.uuid4()
        staff_id = uuid.uuid4()
        async with unit_of_work(self.session_factory) as session:
            session.add(
                Counter(
                    id=counter_id,
                    community_id=community.id,
                    community_path=community.path,
                    name="村委会兑换点",
                    address="村委会一楼",
                    created_by=staff_id,
                )
            )
            session.add(
                Item(
                    id=item_id,
                    community_id=community.id,
                    community_path=community.path,
                    name=item.pop("name", "老陈醋"),
                    category=item.pop("category", "粮油调味"),
                    price=price,
                    per_person_limit=limit[0] if limit else None,
                    limit_period=limit[1] if limit else None,
                    created_by=staff_id,
                    **item,
                )
            )
            await session.flush()
            session.add(Stock(item_id=item_id, counter_id=counter_id, quantity=stock))
            await session.commit()
        return Shelf(community, counter_id, item_id, price)

    async def order(
        self, who: Person, shelf: Shelf, quantity: int = 1, **headers: str
    ) -> httpx.Response:
        body = {
            "item_id": str(shelf.item_id),
            "counter_id": str(shelf.counter_id),
            "quantity": quantity,
        }
        return await self.client.post(
            "/api/mall/orders", json=body, headers={**who.headers, **headers}
        )

    async def get(self, who: Person, order_id: str) -> dict[str, Any]:
        answer = await self.client.get(f"/api/mall/orders/{order_id}", headers=who.headers)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def pump(self) -> int:
        """Carry events between the mall and points until neither outbox has anything new;
        how many were delivered."""
        delivered = 0
        while True:
            moved = await self._carry(
                "mall", self.database_url, points_consumers, self.points.factory
            )
            moved += await self._carry(
                "points", self.points.url, mall_consumers, self.session_factory
            )
            delivered += moved
            if not moved:
                return delivered

    async def _carry(
        self,
        source: str,
        url: str,
        target: Any,
        factory: async_sessionmaker[AsyncSession],
    ) -> int:
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            rows = await conn.fetch(OUTBOX_AFTER, self.seen[source])
        finally:
            await conn.close()
        for row in rows:
            envelope = CloudEvent.model_validate(json.loads(row["payload"]))
            handler = target.HANDLERS.get(envelope.type)
            if handler is not None:  # not subscribed: the real consumer skips it too
                data = validate_data(envelope)
                async with unit_of_work(factory) as session:
                    await handler(session, ParsedEvent(envelope=envelope, data=data))
                    await session.commit()
            # Seen only once applied: a pump cancelled mid-handler (`pumped` stops its
            # background pump when the call returns) leaves the event for the next pump, where
            # marking it first had lost it (CI: a fulfilled order whose points stayed held).
            self.seen[source] = row["seq"]
        return len(rows)

    async def stock(self, shelf: Shelf) -> int:
        value = await self.db_val(
            "SELECT quantity FROM stock WHERE item_id = $1 AND counter_id = $2",
            shelf.item_id,
            shelf.counter_id,
        )
        return int(value)

    async def wallet(self, who: Person) -> tuple[int, int]:
        """(balance, held) of the resident's points wallet."""
        row = await self.points.fetchval(
            "SELECT row(balance, held) FROM accounts WHERE resident_id = $1", who.id
        )
        assert row is not None
        return int(row[0]), int(row[1])  # type: ignore[index]

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

    def at(self, when: datetime) -> None:
        self.clock.now = when


@pytest.fixture(scope="module")
async def mall_module() -> AsyncIterator[MallHarness]:
    """One identity, mall and points (three databases, two apps) per test module: every test
    makes its own community, people and shelf, so they share the stack, not the data."""
    kafka = support.bootstrap()
    async with running_identity(kafka) as identity:
        name, points_name = support.unique("mall"), support.unique("mallpoints")
        url = await support.create_database(name)
        points_url = await support.create_database(points_name)
        engine = None
        try:
            await support.migrate("mall", url)
            await support.migrate("points", points_url)
            engine = make_engine(points_url, pool_size=20)
            factory = make_session_factory(engine)
            points = support.Db(points_name, points_url, asyncpg_dsn(points_url), engine, factory)
            async with _mall_app(url, kafka, identity) as (app, clock, client):
                units = (await identity.client.get("/api/identity/org-units?kind=district")).json()
                district = Unit(uuid.UUID(units[0]["id"]), units[0]["path"])
                yield MallHarness(client, clock, app, identity, url, points, district)
        finally:
            if engine is not None:
                await engine.dispose()
            await support.drop_database(name)
            await support.drop_database(points_name)


@asynccontextmanager
async def _mall_app(
    url: str, kafka: str, identity: Identity
) -> AsyncIterator[tuple[FastAPI, Clock, httpx.AsyncClient]]:
    clock = Clock()
    settings = Settings(
        database_url=url,
        kafka_bootstrap_servers=kafka,
        outbox_poll_seconds=1,
        # Tests feed identity's facts and points' answers directly, and pump() carries the
        # mall's events to points: nothing goes through the shared broker.
        consumer_enabled=False,
        relay_enabled=False,
        jobs_every_seconds=3600,
    )
    app = create_app(settings, clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=identity.app)) as to_identity:
        install_auth(
            app,
            TokenVerifier(
                jwks_url=JWKS_URL,
                issuer=identity.settings.token_issuer,
                audience=identity.settings.token_audience,
                client=to_identity,
            ),
        )
        install_member_code_verifier(
            app,
            member_code_verifier(
                jwks_url=JWKS_URL, issuer=identity.settings.token_issuer, client=to_identity
            ),
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mall") as client:
                yield app, clock, client


@pytest.fixture
async def mall(mall_module: MallHarness) -> MallHarness:
    """The module's stack with both clocks back at the real now (a test may have moved them)."""
    mall_module.clock.now = datetime.now(UTC)
    mall_module.identity.clock.now = datetime.now(UTC)
    return mall_module
