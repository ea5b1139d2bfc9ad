"""The phone home screen (/api/me/home) through a real gateway to the real services, each on
its own scratch database and served on loopback."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.bff import SECTIONS
from gateway.config import Settings as GatewaySettings
from tests.integration import support
from tests.integration.gateway.test_routing import serving
from tests.integration.identity.conftest import (
    ADMIN_PASSWORD,
    ADMIN_PHONE,
    PASSWORD,
    identity_settings,
)
from tests.integration.support import Clock

SERVICES = ("identity", "points", "petitions", "notices", "mall")
VALID_ID = "11010519491231002X"
SYNC_WITHIN = 60.0  # seconds for petitions (notices) to learn a community from identity's events
# The sections of services still without their routes: service and path the BFF asks for.
NOT_YET: dict[str, tuple[str, str]] = {}


@asynccontextmanager
async def service(name: str, kafka: str, jwks_url: str) -> AsyncIterator[str]:
    """The real service app on its own migrated scratch database, lifespan run, on loopback."""
    database = support.unique(f"bff_{name}")
    url = await support.create_database(database)
    try:
        await support.migrate(name, url)
        if name == "identity":
            settings: Any = identity_settings(url, kafka)
            app = importlib.import_module("services.identity.app").create_app(
                settings, clock=Clock()
            )
        else:
            config = importlib.import_module(f"services.{name}.config")
            options = {"consumer_enabled": False} if name == "points" else {}
            settings = config.Settings(
                database_url=url, kafka_bootstrap_servers=kafka, jwks_url=jwks_url, **options
            )
            app = importlib.import_module(f"services.{name}.app").create_app(settings)
        async with app.router.lifespan_context(app), serving(app) as base:
            yield base
    finally:
        await support.drop_database(database)


@pytest.fixture
async def home_stack(kafka: str) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The gateway in front of every service; yields a client on it and the services' URLs."""
    async with AsyncExitStack() as stack:
        identity = await stack.enter_async_context(service("identity", kafka, ""))
        jwks = f"{identity}/api/identity/.well-known/jwks.json"
        urls = {"identity": identity}
        for name in SERVICES[1:]:
            urls[name] = await stack.enter_async_context(service(name, kafka, jwks))
        settings = GatewaySettings(
            service_urls={n: [u] for n, u in urls.items()},
            jwks_url=jwks,
            kafka_bootstrap_servers=kafka,
        )
        gateway = create_gateway(settings)
        await stack.enter_async_context(gateway.router.lifespan_context(gateway))
        base = await stack.enter_async_context(serving(gateway, proxy_headers=False))
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=base, trust_env=False, timeout=15)
        )
        yield client, urls


async def bearer(gw: httpx.AsyncClient, phone: str, password: str) -> dict[str, str]:
    answer = await gw.post("/api/identity/auth/login", json={"phone": phone, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def unit(gw: httpx.AsyncClient, admin: dict[str, str], kind: str, parent: str) -> str:
    body = {"kind": kind, "code": f"bff-{kind}", "name": f"{kind}单位", "parent_id": parent}
    answer = await gw.post("/api/identity/org-units", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def test_home_degrades_the_sections_whose_service_has_no_route_for_them_yet(home_stack):
    gw, urls = home_stack
    admin = await bearer(gw, ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await gw.get("/api/identity/org-units?kind=district")).json()[0]["id"]
    community = await unit(gw, admin, "community", await unit(gw, admin, "town", district))
    body = {"phone": "13712345678", "password": PASSWORD, "name": "周五", "community_id": community}
    assert (await gw.post("/api/identity/residents", json=body)).status_code == 201
    token = await bearer(gw, "13712345678", PASSWORD)

    home = await gw.get("/api/me/home", headers=token)
    assert home.status_code == 200, home.text
    assert home.json()["profile"]["name"] == "周五"
    degraded = set(home.json()["degraded"])
    assert "profile" not in degraded
    # The mall answers the pickup section: a new resident has no order waiting.
    assert "pickup_orders" not in degraded and home.json()["pickup_orders"] == []
    assert set(NOT_YET) <= set(SECTIONS)
    async with httpx.AsyncClient(trust_env=False, timeout=10) as http:
        for section, (name, path) in NOT_YET.items():
            # Degraded while the service has no route for it (404); once the route lands the
            # section must be served, and a route that answers anything but 200 fails here.
            has_route = (await http.get(f"{urls[name]}{path}", headers=token)).status_code != 404
            assert (section in degraded) is not has_route, (section, degraded)
            assert (home.json()[section] is None) is not has_route, section


async def until_synced(send: Any) -> httpx.Response:
    """`send()` again while petitions has not yet learned the community (404/422 on it)."""
    deadline = time.monotonic() + SYNC_WITHIN
    while True:
        answer: httpx.Response = await send()
        text = answer.text
        waiting = answer.status_code in (404, 422) and ("社区" in text or "单位" in text)
        if not waiting or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.5)


async def test_home_lists_the_residents_own_open_petitions_and_not_their_closed_ones(home_stack):
    gw, _ = home_stack
    admin = await bearer(gw, ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await gw.get("/api/identity/org-units?kind=district")).json()[0]["id"]
    community = await unit(gw, admin, "community", await unit(gw, admin, "town", district))
    body = {"phone": "13712345679", "password": PASSWORD, "name": "钱六", "community_id": community}
    person = (await gw.post("/api/identity/residents", json=body)).json()["id"]
    me = await bearer(gw, "13712345679", PASSWORD)
    real = {"real_name": "钱六", "id_number": VALID_ID}
    assert (await gw.post("/api/identity/me/verification", json=real, headers=me)).is_success
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await gw.post(approve, json={}, headers=admin)).status_code == 200
    me = await bearer(gw, "13712345679", PASSWORD)  # a token that carries `verified`
    kind: dict[str, Any] = {"community_id": community, "name": "环境卫生"}
    kind["service_code"] = "sanitation"
    kind |= {"accept_within_hours": 24, "resolve_within_days": 7}
    category = await until_synced(
        lambda: gw.post("/api/petitions/categories", json=kind, headers=admin)
    )
    assert category.status_code == 201, category.text
    titles = ("楼道灯坏了", "垃圾桶满了", "路面积水")
    ids = []
    for title in titles:
        raise_: dict[str, Any] = {"community_id": community, "title": title}
        raise_["category_id"] = category.json()["id"]
        raise_ |= {"content": title, "location": {"address": "小北街12号"}, "visibility": "public"}
        made = await until_synced(lambda b=raise_: gw.post("/api/petitions", json=b, headers=me))
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    cancel = f"/api/petitions/{ids[0]}/actions/cancel"
    assert (await gw.post(cancel, json={"reason": "已自行解决"}, headers=me)).status_code == 200

    home = await gw.get("/api/me/home", headers=me)
    assert home.status_code == 200, home.text
    assert "open_petitions" not in home.json()["degraded"]
    shown = home.json()["open_petitions"]
    assert [p["id"] for p in shown] == ids[:0:-1]  # the newest first; the cancelled one not
    assert {p["status"] for p in shown} == {"submitted"}
    assert [p["title"] for p in shown] == ["路面积水", "垃圾桶满了"]


async def test_home_shows_the_pinned_notices_in_force_and_the_unread_count(home_stack):
    gw, _ = home_stack
    admin = await bearer(gw, ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await gw.get("/api/identity/org-units?kind=district")).json()[0]["id"]
    community = await unit(gw, admin, "community", await unit(gw, admin, "town", district))
    body = {"phone": "13712345680", "password": PASSWORD, "name": "孙七", "community_id": community}
    assert (await gw.post("/api/identity/residents", json=body)).status_code == 201
    me = await bearer(gw, "13712345680", PASSWORD)
    ids = {}
    for title, pin in (("关于开展人居环境整治的通知", True), ("村委会换届公告", False)):
        notice: dict[str, Any] = {"unit_id": community, "category": "village_affairs"}
        notice["title"] = title
        notice |= {"body": "请各户配合。", "require_ack": pin}
        made = await until_synced(lambda n=notice: gw.post("/api/notices", json=n, headers=admin))
        assert made.status_code == 201, made.text
        ids[title] = made.json()["id"]
        published = await gw.post(f"/api/notices/{ids[title]}/publish", json={}, headers=admin)
        assert published.status_code == 200, published.text
        if pin:
            pinned = await gw.post(f"/api/notices/{ids[title]}/pin", json={}, headers=admin)
            assert pinned.status_code == 200, pinned.text
    drafted = {"unit_id": community, "category": "general", "title": "尚未发布的草稿"}
    drafted["body"] = "草稿"
    draft = await gw.post("/api/notices", json=drafted, headers=admin)
    assert draft.status_code == 201, draft.text

    deadline = time.monotonic() + SYNC_WITHIN
    while True:  # notices learns where the resident lives from identity's events
        home = await gw.get("/api/me/home", headers=me)
        assert home.status_code == 200, home.text
        if home.json()["pinned_notices"] or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    degraded = home.json()["degraded"]
    assert "pinned_notices" not in degraded and "inbox_unread" not in degraded, degraded
    shown = home.json()["pinned_notices"]
    assert [n["id"] for n in shown] == [ids["关于开展人居环境整治的通知"]]
    assert shown[0]["pinned"] and shown[0]["require_ack"] and shown[0]["unread"]
    unread = home.json()["inbox_unread"]
    assert isinstance(unread, int) and not isinstance(unread, bool) and unread >= 0
