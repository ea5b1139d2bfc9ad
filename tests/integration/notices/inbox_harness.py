"""Fixtures for the inbox tests: the notices app served by uvicorn on a free port (a stream
needs real HTTP), on its own scratch database; tokens from identity in process; and a local
stand-in of WeChat's API, also over real HTTP.

Two ways to get them, both as the fixture `inbox`, chosen by what a test module imports:
- `shared_inbox` (with `inbox_module`): one identity, notices and WeChat stand-in per test
  module; each test gets a town and community of its own (`community_path`), so a notice
  to its town reaches only its own residents, and its people are its own.
- `inbox` (with `identity` and `wechat`): a fresh stack per test, for the WeChat tests,
  whose notices app keeps WeChat's access token between sends and which count the stand-in's
  calls and the whole push queue."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from services.notices.app import create_app
from services.notices.config import Settings
from services.notices.directory.models import Resident
from services.notices.inbox import service
from services.notices.inbox.rules import Draft
from tests.integration import support
from tests.integration.identity.conftest import (
    Identity,
    create_unit,
    identity,
    register,
    running_identity,
)

__all__ = [
    "InboxHarness",
    "Person",
    "WeChatStandIn",
    "identity",
    "inbox",
    "inbox_module",
    "shared_inbox",
    "wechat",
]

JWKS_URL = "http://identity/api/identity/.well-known/jwks.json"
PHONES = itertools.count(random.randrange(10**7))
APPID = "wx-test-appid"
SECRET = "wx-test-secret-0123456789"
TEMPLATES = {"points": "tpl-points", "petitions": "tpl-petitions", "mall": "tpl-mall"}


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    headers: dict[str, str]


@dataclass
class WeChatStandIn:
    """What WeChat's API would do, recorded: tokens, sends, code2session."""

    url: str = ""
    token_calls: int = 0
    valid_tokens: set[str] = field(default_factory=set)
    sent: list[dict[str, Any]] = field(default_factory=list)
    send_calls: int = 0
    refused: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)
    down: bool = False

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    def code_for(self, openid: str) -> str:
        code = uuid.uuid4().hex
        self.codes[code] = openid
        return code


def wechat_app(state: WeChatStandIn) -> FastAPI:
    app = FastAPI()

    @app.get("/cgi-bin/token")
    async def token(grant_type: str, appid: str, secret: str) -> dict[str, Any]:
        state.token_calls += 1
        if (grant_type, appid, secret) != ("client_credential", APPID, SECRET):
            return {"errcode": 40013, "errmsg": "invalid appid"}
        issued = f"token-{uuid.uuid4().hex}"
        state.valid_tokens.add(issued)
        return {"access_token": issued, "expires_in": 7200}

    @app.post("/cgi-bin/message/subscribe/send")
    async def send(access_token: str, request: Request) -> dict[str, Any]:
        state.send_calls += 1
        if state.down:
            return {"errcode": -1, "errmsg": "system error"}
        if access_token not in state.valid_tokens:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        body = await request.json()
        if body["touser"] in state.refused:
            return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        state.sent.append(body)
        return {"errcode": 0, "errmsg": "ok"}

    @app.get("/sns/jscode2session")
    async def code2session(appid: str, secret: str, js_code: str) -> dict[str, Any]:
        if appid != APPID or secret != SECRET or js_code not in state.codes:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"openid": state.codes.pop(js_code), "session_key": "k"}

    return app


@contextlib.asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free port of 127.0.0.1; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=15)
        sock.close()


@contextlib.asynccontextmanager
async def running_wechat() -> AsyncIterator[WeChatStandIn]:
    state = WeChatStandIn()
    async with serve(wechat_app(state)) as url:
        state.url = url
        yield state


@pytest.fixture
async def wechat() -> AsyncIterator[WeChatStandIn]:
    async with running_wechat() as state:
        yield state


@dataclass
class InboxHarness:
    client: httpx.AsyncClient
    app: FastAPI
    identity: Identity
    database_url: str
    url: str
    community_path: str
    verifier: TokenVerifier
    wechat_url: str

    @contextlib.asynccontextmanager
    async def replica(self) -> AsyncIterator[httpx.AsyncClient]:
        """A second notices process on the same database (another replica), served likewise."""
        settings = inbox_settings(
            self.database_url,
            self.app.state.runtime.settings.kafka_bootstrap_servers,
            self.wechat_url,
        )
        app = create_app(settings)
        install_auth(app, self.verifier)
        async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as client:
            yield client

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        factory: async_sessionmaker[AsyncSession] = self.app.state.runtime.session_factory
        return factory

    async def person(self, name: str = "李秀英") -> Person:
        """A resident registered with identity (a real token) and known to notices."""
        community = self.community_path.rsplit("/", 1)[-1]
        phone = f"139{next(PHONES) % 10**8:08d}"
        rid = uuid.UUID(await register(self.identity, phone, name, community))
        await self.resident(rid, self.community_path)
        return Person(rid, await self.identity.bearer(phone))

    async def resident(self, rid: uuid.UUID, path: str, name: str = "居民") -> None:
        community = uuid.UUID(path.rsplit("/", 1)[-1])
        row = {"id": rid, "community_id": community, "community_path": path, "name": name}
        async with unit_of_work(self.session_factory) as session:
            await session.execute(pg_insert(Resident).values(**row).on_conflict_do_nothing())
            await session.commit()

    async def deliver(
        self, who: uuid.UUID, title: str = "积分到账", kind: str = "points.awarded"
    ) -> str:
        """A message written as a consumer writes one (its own transaction); its event id."""
        source = f"/services/test {uuid.uuid4()}"
        draft = Draft(str(who), kind, title, "您获得 5 积分。", "/pages/points/index")
        async with unit_of_work(self.session_factory) as session:
            await service.deliver(session, drafts=[draft], source_event_id=source)
            await session.commit()
        return source

    async def db_val(self, sql: str, *args: object) -> Any:
        conn = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


async def _community(idn: Identity) -> str:
    """A town and a community of their own in identity; the community's path."""
    units = (await idn.client.get("/api/identity/org-units?kind=district")).json()
    code = uuid.uuid4().hex[:12]
    town = await create_unit(idn, "town", f"t{code}", "西城街道", units[0]["id"])
    community = await create_unit(idn, "community", f"c{code}", "小北街社区", town)
    return f"{units[0]['path']}/{town}/{community}"


def inbox_settings(url: str, kafka: str, wechat_url: str) -> Settings:
    return Settings(
        database_url=url,
        kafka_bootstrap_servers=kafka,
        outbox_poll_seconds=1,
        consumer_enabled=False,
        wechat_api_base=wechat_url,
        wechat_appid=APPID,
        wechat_secret=SECRET,
        wechat_templates=TEMPLATES,
        inbox_push_poll_seconds=0.2,
        inbox_heartbeat_seconds=0.5,
    )


@pytest.fixture
async def inbox(
    kafka: str, identity: Identity, wechat: WeChatStandIn
) -> AsyncIterator[InboxHarness]:
    """A fresh notices app of the test's own (with a fresh identity and WeChat stand-in)."""
    async with running_inbox(identity, kafka, wechat.url) as harness:
        yield harness


@pytest.fixture(scope="module")
async def inbox_module() -> AsyncIterator[InboxHarness]:
    """One identity, WeChat stand-in and notices app per test module."""
    kafka = support.bootstrap()
    async with (
        running_identity(kafka) as idn,
        running_wechat() as state,
        running_inbox(idn, kafka, state.url) as harness,
    ):
        yield harness


@pytest.fixture(name="inbox")
async def shared_inbox(inbox_module: InboxHarness) -> AsyncIterator[InboxHarness]:
    """The module's stack for one test: a town and community of the test's own, identity's
    clock at the real now, and the notices app's settings put back after the test (a test may
    shorten a stream's lifetime)."""
    settings = inbox_module.app.state.runtime.settings
    saved = dict(settings.__dict__)
    inbox_module.identity.clock.now = datetime.now(UTC)
    inbox_module.community_path = await _community(inbox_module.identity)
    try:
        yield inbox_module
    finally:
        settings.__dict__.update(saved)


@contextlib.asynccontextmanager
async def running_inbox(
    identity: Identity, kafka: str, wechat_url: str
) -> AsyncIterator[InboxHarness]:
    """A notices app on a fresh scratch database, served over HTTP, trusting `identity`."""
    name = support.unique("notices")
    url = await support.create_database(name)
    try:
        await support.migrate("notices", url)
        app = create_app(inbox_settings(url, kafka, wechat_url))
        settings = identity.settings
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=identity.app)
        ) as to_identity:
            verifier = TokenVerifier(
                jwks_url=JWKS_URL,
                issuer=settings.token_issuer,
                audience=settings.token_audience,
                client=to_identity,
            )
            install_auth(app, verifier)
            path = await _community(identity)
            async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as client:
                yield InboxHarness(client, app, identity, url, base, path, verifier, wechat_url)
    finally:
        await support.drop_database(name)


@dataclass(frozen=True)
class Sse:
    """One thing read off a stream: an event (id, data) or a comment (a heartbeat)."""

    id: int | None = None
    data: dict[str, Any] | None = None
    comment: str | None = None


@contextlib.asynccontextmanager
async def listening(
    client: httpx.AsyncClient, person: Person, *, last_event_id: str | None = None, query: str = ""
) -> AsyncIterator[asyncio.Queue[Sse]]:
    """A stream read in the background into a queue; the first item is its opening comment."""
    headers = {**person.headers, "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    received: asyncio.Queue[Sse] = asyncio.Queue()

    async def read() -> None:
        async with client.stream("GET", f"/api/inbox/stream{query}", headers=headers) as answer:
            assert answer.status_code == 200, await answer.aread()
            assert answer.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in answer.aiter_lines():
                if line.startswith(":"):
                    received.put_nowait(Sse(comment=line[1:].strip()))
                elif line:
                    name, _, value = line.partition(": ")
                    fields[name] = value
                elif "data" in fields:
                    data = json.loads(fields["data"])
                    received.put_nowait(Sse(id=int(fields["id"]), data=data))
                    fields = {}

    task = asyncio.create_task(read())
    try:
        yield received
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def next_event(received: asyncio.Queue[Sse], timeout: float = 5) -> Sse:
    """The next event on the stream, skipping heartbeats."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        item = await asyncio.wait_for(received.get(), max(deadline - loop.time(), 0.01))
        if item.data is not None:
            return item
