"""The mall at the gateway: every route reaches the mall with a token, item images get the
upload limit, and the home screen's pickup section reads the resident's confirmed orders."""

from __future__ import annotations

import httpx
import pytest

from gateway.bff import SECTIONS
from gateway.config import Settings
from gateway.edge import public_route
from gateway.proxy import body_limit
from tests.unit.gateway.test_aliases import proxying

DEFAULT = 2 * 1024 * 1024
FIVE_MB = 5 * 1024 * 1024
ITEM = "0b7e6a52-5f2e-4c57-9d43-1c2b3a4d5e6f"
MALL_ROUTES = [
    ("POST", "/api/mall/orders"),
    ("GET", "/api/mall/orders"),
    ("GET", f"/api/mall/orders/{ITEM}"),
    ("POST", f"/api/mall/orders/{ITEM}/cancel"),
    ("POST", f"/api/mall/orders/{ITEM}/fulfil"),
    ("POST", "/api/mall/pickups"),
    ("POST", "/api/mall/counters"),
    ("GET", "/api/mall/counters"),
    ("PATCH", f"/api/mall/counters/{ITEM}"),
    ("POST", "/api/mall/items"),
    ("GET", "/api/mall/items"),
    ("PATCH", f"/api/mall/items/{ITEM}"),
    ("PUT", f"/api/mall/items/{ITEM}/image"),
    ("GET", f"/api/mall/items/{ITEM}"),
    ("POST", f"/api/mall/items/{ITEM}/stock"),
    ("GET", f"/api/mall/items/{ITEM}/stock-moves"),
    ("GET", "/api/mall/reports/reconciliation"),
    ("POST", "/api/mall/counter-redemptions"),
]


@pytest.mark.parametrize(("method", "path"), MALL_ROUTES)
async def test_every_mall_route_reaches_the_mall_and_needs_a_token(method, path):
    async with proxying(["identity", "mall"]) as c:
        answer = await c.request(method, path)
    assert answer.json() == {"service": "mall", "path": path}
    assert public_route(method, path) is None


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_an_items_picture_reaches_the_mall_without_a_token(method):
    route = public_route(method, f"/api/mall/items/{ITEM}/image")
    assert route is not None and route.throttle == "standard"
    assert public_route(method, f"/api/mall/items/{ITEM}/image/x") is None
    assert public_route(method, "/api/mall/items/a/b/image") is None


def test_an_item_image_may_carry_five_megabytes_and_its_multipart_framing():
    limit = body_limit("PUT", f"/api/mall/items/{ITEM}/image", DEFAULT)
    assert FIVE_MB < limit <= FIVE_MB + 128 * 1024
    assert body_limit("POST", f"/api/mall/items/{ITEM}/image", DEFAULT) == DEFAULT
    assert body_limit("PATCH", f"/api/mall/items/{ITEM}", DEFAULT) == DEFAULT


async def test_pickup_orders_are_the_residents_confirmed_orders_newest_five():
    asked: list[httpx.URL] = []

    def mall(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        return httpx.Response(200, json={"items": [{"id": "o-1"}], "next_cursor": "c"})

    settings = Settings(service_urls={"mall": ["http://mall"]})
    fetch = SECTIONS["pickup_orders"](settings)
    async with httpx.AsyncClient(transport=httpx.MockTransport(mall)) as client:
        section = await fetch(client, {"authorization": "Bearer t"})
    assert section == [{"id": "o-1"}]
    (url,) = asked
    assert url.path == "/api/mall/orders"
    assert dict(url.params) == {"mine": "true", "status": "confirmed", "limit": "5"}
