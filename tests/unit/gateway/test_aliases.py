"""Top-level resources another service serves: /api/activities and /api/inbox reach notices."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from gateway.proxy import ProxyDispatch
from gateway.relay import STREAM_PATHS


class RecordingRouting:
    """Stands in for the pooled client: answers which service a request was sent to."""

    async def forward(
        self, service: str, scope: Scope, receive: Receive, send: Send, **_: Any
    ) -> None:
        answer = JSONResponse({"service": service, "path": scope["path"]})
        await answer(scope, receive, send)


def proxying(services: list[str]) -> httpx.AsyncClient:
    """A client of an app that proxies `services` and has no route of its own."""
    app = FastAPI()
    app.add_middleware(
        ProxyDispatch, routing=RecordingRouting(), services=services, max_body_bytes=1024
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


@pytest.fixture
async def client():
    async with proxying(["identity", "notices", "points"]) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/activities"),
        ("GET", "/api/activities"),
        ("GET", "/api/activities/7d1c/checkin-code"),
        ("DELETE", "/api/activities/7d1c/signup"),
        ("GET", "/api/inbox"),
        ("POST", "/api/inbox/read-all"),
        ("GET", "/api/inbox/stream"),
    ],
)
async def test_aliased_paths_reach_notices_unchanged(client, method, path):
    answer = await client.request(method, path)
    assert answer.status_code == 200
    assert answer.json() == {"service": "notices", "path": path}


async def test_a_service_keeps_its_own_prefix(client):
    answer = await client.get("/api/points/accounts/me")
    assert answer.json() == {"service": "points", "path": "/api/points/accounts/me"}


async def test_aliases_of_a_service_that_is_not_routed_are_404():
    async with proxying(["points"]) as c:
        assert (await c.get("/api/activities")).status_code == 404
        assert (await c.get("/api/notices/x")).status_code == 404


async def test_a_service_root_is_proxied_but_a_longer_name_is_not(client):
    assert (await client.post("/api/points")).json()["service"] == "points"
    assert (await client.get("/api/points/")).json()["service"] == "points"
    assert (await client.get("/api/pointsx/y")).status_code == 404


async def test_a_method_the_proxy_does_not_carry_is_405_problem(client):
    answer = await client.request("TRACE", "/api/points/accounts/me")
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"
    assert "GET" in answer.headers["allow"]


def test_the_inbox_stream_has_no_read_timeout_under_either_path():
    assert {"/api/inbox/stream", "/api/notices/inbox/stream"} <= STREAM_PATHS
