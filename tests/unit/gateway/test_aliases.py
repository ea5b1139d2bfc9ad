"""Top-level resources another service serves: /api/activities and /api/inbox reach notices."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway.proxy import STREAM_PATHS, routing_router


class RecordingRouting:
    """Stands in for the pooled client: answers which service a request was sent to."""

    async def forward(self, service: str, request: Request, **_: Any) -> JSONResponse:
        return JSONResponse({"service": service, "path": request.url.path})


@pytest.fixture
async def client():
    app = FastAPI()
    app.state.routing = RecordingRouting()
    app.include_router(routing_router(["identity", "notices", "points"]))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c:
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
    app = FastAPI()
    app.state.routing = RecordingRouting()
    app.include_router(routing_router(["points"]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as c:
        assert (await c.get("/api/activities")).status_code == 404


def test_the_inbox_stream_has_no_read_timeout_under_either_path():
    assert {"/api/inbox/stream", "/api/notices/inbox/stream"} <= STREAM_PATHS
