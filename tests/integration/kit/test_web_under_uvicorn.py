"""A kit app served by a real uvicorn: access lines carry no query values, and a database
outage answers 503 with one warning instead of two tracebacks per request."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from kit.db import make_engine
from kit.logging import configure_logging
from kit.web import create_web_app

PHONE = "13812347777"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _app() -> FastAPI:
    engine = make_engine(f"postgresql+asyncpg://u@127.0.0.1:{_free_port()}/gone", pool_size=1)
    router = APIRouter()

    @router.get("/residents")
    async def residents(q: str = "") -> list[str]:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return []

    @router.get("/ping")
    async def ping(q: str = "") -> dict[str, str]:
        return {"ok": "yes"}

    return create_web_app(service="demo", title="demo", routers=[router])


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, io.StringIO]]:
    """The app's base URL, and what its one log handler wrote."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(level="INFO", json_lines=True)
    written = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(written)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(_app(), host="127.0.0.1", port=port, log_config=None, log_level="info")
    )
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not serving.done(), serving
            await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}", written
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 10)
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


@pytest.mark.timeout(30)
async def test_a_search_by_phone_leaves_no_phone_in_the_access_line(
    served: tuple[str, io.StringIO],
):
    base, log = served
    async with httpx.AsyncClient(base_url=base) as client:
        assert (await client.get("/api/demo/ping", params={"q": PHONE})).status_code == 200
    written = log.getvalue()
    assert "/api/demo/ping?q=***" in written, written
    assert PHONE not in written


@pytest.mark.timeout(30)
async def test_an_outage_answers_503_and_logs_one_warning_without_tracebacks(
    served: tuple[str, io.StringIO],
):
    base, log = served
    async with httpx.AsyncClient(base_url=base) as client:
        answers = [await client.get("/api/demo/residents") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert answers[0].headers["retry-after"] == "5"
    written = log.getvalue()
    assert written.count('"level": "warning"') == 1, written
    assert '"level": "error"' not in written and "Traceback" not in written, written
