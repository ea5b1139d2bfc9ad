"""The demo seed on a running platform: petitions in every planned state on the board and in
the staff queue, an adopted suggestion awarded by the points list, and a second run adding
nothing."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from deploy import demo_data as demo
from deploy import demo_petitions as plan
from deploy import seed_mall, seed_notices
from deploy.seed import load
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE, Platform
from tests.unit.deploy.test_demo_petitions import end_state


async def staff_queue(gw: httpx.AsyncClient, code: str, community: str) -> list[dict[str, Any]]:
    login = {"phone": demo.reviewer_of(code).phone, "password": demo.DEMO_PASSWORD}
    token = (await gw.post("/api/identity/auth/login", json=login)).json()["access_token"]
    answer = await gw.get(
        f"/api/petitions?community_id={community}&limit=100",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def notices_seen(gw: httpx.AsyncClient, code: str) -> tuple[list[Any], list[Any], Any]:
    """A resident's notices list (in force here and above), their home's pinned notices and
    the finance notice as they read it."""
    phone = next(r.phone for r in demo.RESIDENTS if r.community == code)
    login = {"phone": phone, "password": demo.DEMO_PASSWORD}
    token = (await gw.post("/api/identity/auth/login", json=login)).json()["access_token"]
    me = {"Authorization": f"Bearer {token}"}
    listed = await gw.get("/api/notices?limit=100", headers=me)
    assert listed.status_code == 200, listed.text
    home = (await gw.get("/api/me/home", headers=me)).json()
    assert "pinned_notices" not in home["degraded"], home["degraded"]
    items = list(listed.json()["items"])
    finance = next((n for n in items if n["category"] == "finance"), None)
    sheet = None
    if finance is not None:
        sheet = (await gw.get(f"/api/notices/{finance['id']}", headers=me)).json()["sheet"]
    return items, list(home["pinned_notices"]), sheet


async def mall_seen(gw: httpx.AsyncClient, code: str, community: str) -> dict[str, Any]:
    """The community's counters and items as its staff see them, and each planned order as
    its resident sees it (with their home screen's pickup section)."""
    staff = await _token(gw, demo.reviewer_of(code).phone)
    counters = await gw.get(f"/api/mall/counters?community_id={community}", headers=staff)
    items = await gw.get(f"/api/mall/items?community_id={community}&limit=100", headers=staff)
    assert counters.status_code == 200 and items.status_code == 200, (counters.text, items.text)
    verified = [r for r in demo.RESIDENTS if r.community == code and r.verification == "verified"]
    orders, homes = {}, {}
    for planned in seed_mall.ORDERS:
        me = await _token(gw, verified[planned.resident].phone)
        mine = (await gw.get("/api/mall/orders?mine=true&limit=100", headers=me)).json()["items"]
        orders[planned.item] = [(o["id"], o["status"], o["item_name"]) for o in mine]
        homes[planned.item] = (await gw.get("/api/me/home", headers=me)).json()
    return {
        "counters": seed_mall._items(counters.json()),
        "items": seed_mall._items(items.json()),
        "orders": orders,
        "homes": homes,
    }


async def _token(gw: httpx.AsyncClient, phone: str) -> dict[str, str]:
    login = {"phone": phone, "password": demo.DEMO_PASSWORD}
    token = (await gw.post("/api/identity/auth/login", json=login)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def check_mall(seen: dict[str, Any]) -> None:
    assert [c["name"] for c in seen["counters"]] == [seed_mall.COUNTER]
    assert seen["counters"][0]["opening_hours"] and seen["counters"][0]["address"]
    shelf = {i["name"]: i for i in seen["items"]}
    assert set(shelf) == {g.name for g in seed_mall.SHELF}
    for goods in seed_mall.SHELF:
        on_hand = sum(line["quantity"] for line in shelf[goods.name]["stock"])
        assert goods.units - 1 <= on_hand <= goods.units, (goods.name, on_hand)
    assert any(i["per_person_limit"] for i in shelf.values())
    assert any(i["sponsor"] for i in shelf.values())
    for planned in seed_mall.ORDERS:
        (order,) = seen["orders"][planned.item]
        assert order[1:] == (planned.end, planned.item), order
        home = seen["homes"][planned.item]
        assert "pickup_orders" not in home["degraded"], home["degraded"]
        waiting = [o["id"] for o in home["pickup_orders"]]
        assert waiting == ([order[0]] if planned.end == "confirmed" else []), planned


async def adoption_awards(gw: httpx.AsyncClient, phone: str) -> list[dict[str, Any]]:
    login = {"phone": phone, "password": demo.DEMO_PASSWORD}
    token = (await gw.post("/api/identity/auth/login", json=login)).json()["access_token"]
    answer = await gw.get(
        "/api/points/accounts/me/postings?limit=100", headers={"Authorization": f"Bearer {token}"}
    )
    return [p for p in answer.json()["items"] if p["source_type"] == "petition"]


async def test_the_seed_loads_petitions_in_every_state_once_however_often_it_runs(
    platform: Platform, tmp_path: Path
):
    partner_file = tmp_path / "demo-partner.json"
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        summary = await load(gw, ADMIN_PHONE, ADMIN_PASSWORD, partner_file)
        assert f"{len(plan.PETITIONS)} petitions" in summary
        units = {u["code"]: u["id"] for u in (await gw.get("/api/identity/org-units")).json()}
        first = {c: await staff_queue(gw, c, units[c]) for c in demo.communities()}
        for code in demo.communities():
            planned = {p.title: end_state(p)[0] for p in plan.PETITIONS if p.community == code}
            assert {p["title"]: p["status"] for p in first[code]} == planned
            board = (await gw.get(f"/api/petitions/public?community_id={units[code]}")).json()
            public = {p.title for p in plan.PETITIONS if p.community == code}
            public -= {p.title for p in plan.PETITIONS if p.visibility == "private"}
            public -= {t for t, s in planned.items() if s == "submitted"}
            assert {p["title"] for p in board["items"]} == public  # no token: the public board
            assert any(p["rating_comment"] for p in board["items"])  # a rated one, with comment
        titles = {d.title for d in seed_notices.COMMUNITY_NOTICES} | {seed_notices.DISTRICT}
        notices = {c: await notices_seen(gw, c) for c in demo.communities()}
        for code, (listed, pinned, sheet) in notices.items():
            assert sorted(n["title"] for n in listed) == sorted(titles), code
            assert [n["title"] for n in pinned] == [seed_notices.PINNED]
            assert pinned[0]["require_ack"] and listed[0]["id"] == pinned[0]["id"]
            income = sum(line["income_fen"] for line in sheet["lines"])
            expense = sum(line["expense_fen"] for line in sheet["lines"])
            assert sheet["closing_balance_fen"] == sheet["opening_balance_fen"] + income - expense

        mall = {c: await mall_seen(gw, c, units[c]) for c in demo.communities()}
        for seen in mall.values():
            check_mall(seen)

        await load(gw, ADMIN_PHONE, ADMIN_PASSWORD, partner_file)  # a second start, no marker
        for code, seen in mall.items():
            shown = await mall_seen(gw, code, units[code])
            assert [i["id"] for i in shown["items"]] == [i["id"] for i in seen["items"]]
            assert shown["counters"] == seen["counters"] and shown["orders"] == seen["orders"]
        for code, (listed, _, _) in notices.items():
            again, _, _ = await notices_seen(gw, code)
            assert sorted(n["id"] for n in again) == sorted(n["id"] for n in listed)
        for code in demo.communities():
            again = await staff_queue(gw, code, units[code])
            assert [(p["id"], p["updated_at"]) for p in again] == [
                (p["id"], p["updated_at"]) for p in first[code]
            ]
        adopters = {p.author for p in plan.PETITIONS if any(s.action == "adopt" for s in p.steps)}
        for phone in adopters:
            awards = await settled(functools.partial(adoption_awards, gw, phone))
            assert len(awards) == 1 and awards[0]["item_code"] == "ADOPTED", awards


async def settled(probe: Callable[[], Awaitable[list[Any]]], within: float = 30) -> list[Any]:
    """What `probe` finds once it finds something, a little later (a double would show)."""
    deadline = time.monotonic() + within
    while not await probe() and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)
    return await probe()
