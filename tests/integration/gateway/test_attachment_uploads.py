"""Petition images through a real gateway over loopback HTTP: a 5 MB multipart upload goes up
whole, a bigger one stops at the gateway, and an image comes down streamed, without a token
when the route is the public one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import StreamingResponse

from gateway.config import Settings
from gateway.proxy import close_routing, install_routing
from kit.deps import install_auth
from kit.web import create_web_app
from tests.integration.gateway.test_routing import serving
from tests.unit.kit.images import padded_png
from tests.unit.kit.test_jwks import FakeIdentity

MB = 1024 * 1024
IMAGE_SIZE = 5 * MB
CHUNK = 256 * 1024
PROBLEM = "application/problem+json"


@dataclass
class Seen:
    uploads: list[int] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)


def petitions_app(seen: Seen) -> FastAPI:
    app = create_web_app(service="petitions", title="petitions stand-in")
    router = APIRouter()

    @router.post("/api/petitions/{petition_id}/attachments")
    async def upload(request: Request) -> dict[str, int]:
        form = await request.form()
        file = form["file"]
        assert not isinstance(file, str)
        size = len(await file.read())
        seen.uploads.append(size)
        return {"size": size}

    @router.post("/api/petitions/{petition_id}/actions/{action}")
    async def act(request: Request) -> dict[str, int]:
        seen.uploads.append(len(await request.body()))
        return {}

    @router.get("/api/petitions/attachments/{attachment_id}")
    async def image(attachment_id: str) -> StreamingResponse:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"\x89PNG" + b"\0" * (CHUNK - 4)
            await asyncio.wait_for(seen.gate.wait(), timeout=10)
            for _ in range(IMAGE_SIZE // CHUNK - 1):
                yield b"\0" * CHUNK

        return StreamingResponse(chunks(), media_type="image/png")

    app.include_router(router)
    return app


@dataclass
class Gateway:
    url: str
    seen: Seen
    identity: FakeIdentity

    def token(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.identity.issue('ed-1', sub='person-1')}"}


@pytest.fixture(scope="module")
async def gateway() -> AsyncIterator[Gateway]:
    seen = Seen()
    identity = FakeIdentity()
    identity.add_key("ed-1")
    async with serving(petitions_app(seen)) as upstream:
        # The default body limit (2 MB): only the upload route may carry more.
        settings = Settings(
            service_urls={"petitions": [upstream]},
            rate_limit_person="1000/minute",
            rate_limit_anonymous="1000/minute",
        )
        app = create_web_app(service="gateway", title="t", api_prefix="")
        install_routing(app, settings)
        install_auth(app, identity.verifier())
        async with serving(app, proxy_headers=False, server_header=False) as url:
            yield Gateway(url, seen, identity)
        await close_routing(app)


@pytest.fixture
async def client(gateway: Gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway.url, trust_env=False, timeout=30) as http:
        yield http


async def test_five_megabyte_image_upload_reaches_the_service_whole(gateway, client):
    answer = await client.post(
        "/api/petitions/p-1/attachments",
        files={"file": ("a.png", padded_png(IMAGE_SIZE), "image/png")},
        headers=gateway.token(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"size": IMAGE_SIZE}


async def test_upload_past_the_images_limit_stops_at_the_gateway(gateway, client):
    before = len(gateway.seen.uploads)
    answer = await client.post(
        "/api/petitions/p-1/attachments",
        files={"file": ("a.png", padded_png(6 * MB), "image/png")},
        headers=gateway.token(),
    )
    assert answer.status_code == 413 and answer.headers["content-type"] == PROBLEM
    assert len(gateway.seen.uploads) == before


async def test_other_routes_keep_the_ordinary_body_limit(gateway, client):
    before = len(gateway.seen.uploads)
    answer = await client.post(
        "/api/petitions/p-1/actions/progress", content=b"x" * (3 * MB), headers=gateway.token()
    )
    assert answer.status_code == 413
    assert len(gateway.seen.uploads) == before


async def test_upload_without_a_token_is_401_at_the_gateway(gateway, client):
    answer = await client.post(
        "/api/petitions/p-1/attachments", files={"file": ("a.png", b"x", "image/png")}
    )
    assert answer.status_code == 401


async def test_image_is_public_at_the_gateway_and_streamed_down(gateway, client):
    gateway.seen.gate.clear()
    async with client.stream("GET", "/api/petitions/attachments/a-1") as answer:
        assert answer.status_code == 200
        assert answer.headers["x-content-type-options"] == "nosniff"
        chunks = answer.aiter_raw()
        first = await asyncio.wait_for(anext(chunks), timeout=5)
        assert first.startswith(b"\x89PNG")  # while the service is still holding the rest
        gateway.seen.gate.set()
        rest = b"".join([chunk async for chunk in chunks])
    assert len(first) + len(rest) == IMAGE_SIZE
