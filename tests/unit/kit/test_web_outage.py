"""A database or broker that is away answers 503 with Retry-After, logged once as a warning."""

import logging
import socket

import pytest
from aiokafka.errors import KafkaConnectionError
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import text

from kit.db import make_engine
from kit.outage import OutageLog
from kit.web import create_web_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _app_on_a_database_that_is_away() -> TestClient:
    engine = make_engine(f"postgresql+asyncpg://u@127.0.0.1:{_closed_port()}/gone", pool_size=1)
    router = APIRouter()

    @router.get("/residents")
    async def residents() -> list[str]:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return []

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    app = create_web_app(service="demo", title="demo", routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def test_database_outage_answers_503_with_retry_after(caplog: pytest.LogCaptureFixture):
    answer = _app_on_a_database_that_is_away().get("/api/demo/residents")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["status"] == 503


def test_an_outage_is_logged_once_as_a_warning_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
):
    caplog.set_level(logging.INFO)
    client = _app_on_a_database_that_is_away()
    for _ in range(3):
        assert client.get("/api/demo/residents").status_code == 503
    mine = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelname for r in mine] == ["WARNING"], [r.getMessage() for r in mine]
    assert mine[0].exc_info is None
    assert "ConnectionRefusedError" in mine[0].getMessage() or "Errno" in mine[0].getMessage()


def test_a_bug_still_answers_500_with_one_error_logged(caplog: pytest.LogCaptureFixture):
    answer = _app_on_a_database_that_is_away().get("/api/demo/boom")
    assert answer.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None


def test_a_broker_that_is_away_answers_503():
    router = APIRouter()

    @router.post("/publish")
    async def publish() -> None:
        raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9092)]")

    app = create_web_app(service="demo", title="demo", routers=[router])
    answer = TestClient(app, raise_server_exceptions=False).post("/api/demo/publish")
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"


def test_a_long_outage_warns_again_each_window_counting_the_quiet_requests(
    caplog: pytest.LogCaptureFixture,
):
    now = [0.0]
    outages = OutageLog(every=30.0, clock=lambda: now[0])
    for second in (0.0, 1.0, 2.0, 31.0):
        now[0] = second
        outages.record("ConnectionRefusedError")
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 2 and warned[1].endswith("(and 2 more since the last warning)")
