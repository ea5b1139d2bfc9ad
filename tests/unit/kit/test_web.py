"""problem+json answers, request ids, health and metrics of the kit's web app factory."""

import gc

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from kit.errors import Conflict, NotFound
from kit.web import create_web_app

router = APIRouter()


class Registration(BaseModel):
    phone: str = Field(pattern=r"^1[3-9]\d{9}$")
    name: str


@router.post("/residents", status_code=201)
async def register(body: Registration) -> dict[str, str]:
    return {"name": body.name}


@router.get("/residents/{rid}")
async def read(rid: str) -> dict[str, str]:
    raise NotFound(f"resident {rid} not found")


@router.post("/claims/{cid}/approve")
async def approve(cid: str) -> None:
    raise Conflict("claim already approved", field="status", current="approved")


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals: /etc/passwd")


def _client() -> TestClient:
    app = create_web_app(service="demo", title="demo", routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def test_validation_error_is_problem_json_naming_the_field():
    answer = _client().post("/api/demo/residents", json={"phone": "12", "name": "张三"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 422 and body["field"] == "phone"
    assert body["errors"][0]["field"] == "phone"


def test_missing_field_is_named():
    body = _client().post("/api/demo/residents", json={"phone": "13812345678"}).json()
    assert body["field"] == "name"


def test_domain_errors_map_to_404_and_409():
    client = _client()
    assert client.get("/api/demo/residents/r9").json()["status"] == 404
    conflict = client.post("/api/demo/claims/c1/approve")
    assert conflict.status_code == 409
    assert conflict.json()["field"] == "status" and conflict.json()["current"] == "approved"


def test_unexpected_error_is_500_without_stack_trace():
    answer = _client().get("/api/demo/boom")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "passwd" not in answer.text and "Traceback" not in answer.text


def test_unknown_route_is_problem_json_404():
    answer = _client().get("/api/demo/nothing-here")
    assert answer.status_code == 404 and answer.json()["status"] == 404


def test_request_id_is_echoed_or_created():
    client = _client()
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"
    )
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    bad = client.get("/healthz", headers={"X-Request-ID": "x" * 500}).headers["x-request-id"]
    assert bad != "x" * 500


def test_health_and_metrics_endpoints():
    client = _client()
    assert client.get("/healthz").json() == {"status": "alive"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.get("/api/demo/residents/r1")
    metrics = client.get("/metrics").text
    assert (
        'http_requests_total{method="GET",route="/api/demo/residents/{rid}",service="demo",status="404"}'
        in metrics
    )


def test_readiness_failure_is_503_naming_the_check():
    async def broken() -> str | None:
        return "database unreachable"

    app = create_web_app(service="demo", title="demo", checks={"database": broken})
    answer = TestClient(app).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "database unreachable"}


@pytest.mark.parametrize(("setting", "frozen"), [("1", True), ("0", False)])
async def test_startup_objects_are_frozen_out_of_the_collectors_sight_unless_turned_off(
    monkeypatch, setting, frozen
):
    monkeypatch.setenv("GC_FREEZE_AFTER_STARTUP", setting)
    app = create_web_app(service="demo", title="t")
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert (gc.get_freeze_count() > 0) is frozen
    finally:
        gc.unfreeze()
