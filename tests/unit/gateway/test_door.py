"""The door (gateway.door): what a proxied answer carries, what is logged and counted, and a
failure inside the proxy, against a scripted upstream on loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY

from gateway.config import Settings
from gateway.proxy import install_routing
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.gateway.test_upstream_client import Scripted, read_request, scripted
from tests.unit.kit.test_jwks import FakeIdentity

ROUTE = "/api/points/{path:path}"


def answer_for(path: bytes) -> bytes:
    if b"/broken" in path:
        return b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


@pytest.fixture
async def upstream() -> AsyncIterator[Scripted]:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        while True:
            head = await read_request(reader, state)
            writer.write(answer_for(head.split(b"\r\n", 1)[0]))

    async with scripted(handler) as state:
        yield state


@pytest.fixture
async def client(upstream: Scripted, identity: FakeIdentity) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_web_app(service="gateway", title="t", api_prefix="")
    install_routing(app, Settings(service_urls={"points": [upstream.url]}))
    install_auth(app, identity.verifier())
    token = identity.issue("ed-1")
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=headers) as c:
        yield c
    await app.state.routing.close()


def served(status: str) -> float:
    labels = {"service": "gateway", "method": "GET", "route": ROUTE, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


async def test_a_proxied_answer_carries_its_id_and_the_security_headers_and_is_counted(client):
    before = served("200")
    answer = await client.get("/api/points/accounts/me", headers={"X-Request-ID": "req-42"})
    assert answer.status_code == 200 and answer.json() == {}
    assert answer.headers["x-request-id"] == "req-42"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "server" not in answer.headers
    assert served("200") == before + 1


async def test_ordinary_proxied_answers_leave_no_line_and_failures_do(client, caplog):
    caplog.set_level(logging.INFO, logger="gateway.door")
    assert (await client.get("/api/points/accounts/me?phone=13812345678")).status_code == 200
    assert (await client.get("/api/points/broken?phone=13812345678")).status_code == 503
    lines = [r for r in caplog.records if r.name == "gateway.door"]
    assert [(r.levelno, r.getMessage()) for r in lines] == [
        (logging.WARNING, "GET /api/points/broken?phone=*** 503")
    ]


async def test_the_gateways_own_routes_get_a_line_each(client, caplog):
    caplog.set_level(logging.INFO, logger="gateway.door")
    assert (await client.get("/healthz")).status_code == 200
    assert [r.getMessage() for r in caplog.records if r.name == "gateway.door"] == [
        "GET /healthz 200"
    ]


async def test_a_failure_inside_the_proxy_is_a_500_problem(client, monkeypatch, caplog):
    async def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("gateway.relay.Routing.forward", fails)
    before = served("500")
    answer = await client.get("/api/points/accounts/me")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "a bug" not in answer.text
    assert answer.headers["x-request-id"]
    assert served("500") == before + 1
    assert any(r.name == "gateway.door" and r.exc_info for r in caplog.records)
