"""Two tenants on a running platform for the abuse matrix: a community in each of two towns, with
residents, staff, a household, a claim, a posting, a draft points list and a spare staff grant,
plus a platform-level partner; every id is labelled with the tenant that owns it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import (
    PASSWORD,
    SHANGHAI,
    fresh_code,
    fresh_id_serial,
    fresh_phone,
    points_list,
)

PLATFORM = "platform"  # owner of ids that belong to no community (partners)
Headers = dict[str, str]
CLAIMABLE = {"code": "HELP", "name": "邻里互助", "category": "文明", "points": 3}
CLAIMABLE["requires_claim"] = True


def id_number(serial: int) -> str:
    """A well-formed mainland ID number (GB 11643 check digit); distinct per serial."""
    body = f"11010519491231{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def rules() -> dict[str, Any]:
    """The e2e scene's points list plus an item residents claim by hand."""
    listing = points_list()
    return {**listing, "items": [*listing["items"], CLAIMABLE]}


@dataclass
class Tenant:
    """One community's ids (by the pool name a route's parameter maps to) and its callers."""

    name: str
    ids: dict[str, str] = field(default_factory=dict)
    callers: dict[str, Headers] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    tenants: dict[str, Tenant]
    admin: Headers  # district_admin on the district root: the platform operator
    partner_id: str

    def owner_of(self, value: str) -> str | None:
        if value == self.partner_id:
            return PLATFORM
        return next((t.name for t in self.tenants.values() if value in t.ids.values()), None)


async def call(gw: httpx.AsyncClient, method: str, path: str, want: int, **kw: Any) -> Any:
    answer = await gw.request(method, path, **kw)
    assert answer.status_code == want, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


async def login(gw: httpx.AsyncClient, phone: str, password: str = PASSWORD) -> Headers:
    body = {"phone": phone, "password": password}
    token = (await call(gw, "POST", "/api/identity/auth/login", 200, json=body))["access_token"]
    return {"Authorization": f"Bearer {token}"}


async def build_world(gw: httpx.AsyncClient) -> World:
    admin = await login(gw, ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await call(gw, "GET", "/api/identity/org-units?kind=district", 200))[0]["id"]
    partner = await call(
        gw, "POST", "/api/identity/partners", 201, json={"name": "志愿平台"}, headers=admin
    )
    tenants = {}
    for name in ("A", "B"):
        tenants[name] = await _tenant(gw, admin, district, name)
    return World(tenants, admin, partner["partner_id"])


async def _tenant(gw: httpx.AsyncClient, admin: Headers, district: str, name: str) -> Tenant:
    t = Tenant(name)
    # Codes and phones fresh per run: the platform is shared with other modules.
    t.ids["town"] = await _unit(gw, admin, "town", fresh_code(f"mx-town-{name}"), district)
    community = fresh_code(f"mx-sq-{name}")
    t.ids["community"] = await _unit(gw, admin, "community", community, t.ids["town"])
    people = ("resident", "neighbour", "staff", "admin", "town_admin", "spare")
    phones = t.phones = {who: fresh_phone() for who in people}
    for who in people:
        body = {"phone": phones[who], "password": PASSWORD, "name": f"{name}{who}"}
        body["community_id"] = t.ids["community"]
        t.ids[who] = (await call(gw, "POST", "/api/identity/residents", 201, json=body))["id"]
    grants = [
        ("staff", "community_staff", "community"),
        ("admin", "community_admin", "community"),
        ("town_admin", "district_admin", "town"),
        ("spare", "community_staff", "community"),
    ]
    for who, role, unit in grants:
        grant = {"person_id": t.ids[who], "role": role, "unit_id": t.ids[unit]}
        made = await call(gw, "POST", "/api/identity/staff-roles", 201, json=grant, headers=admin)
    t.ids["grant"] = made["id"]  # the spare's grant: revoking it breaks no caller's fixture
    for who in ("resident", "staff", "admin", "town_admin"):
        t.callers[who] = await login(gw, phones[who])
    await _points(gw, t, phones["neighbour"])
    await _activity(gw, t)
    return t


async def _activity(gw: httpx.AsyncClient, t: Tenant) -> None:
    """A community activity, a day off, its sign-up open (served by notices)."""
    start = datetime.now(SHANGHAI) + timedelta(days=1)
    body = {
        "community_id": t.ids["community"],
        "title": "矩阵测试活动",
        "activity_type": "环境整治",
        "capacity": 5,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
    }
    made = await call(gw, "POST", "/api/activities", 201, json=body, headers=t.callers["staff"])
    t.ids["activity"] = made["id"]


async def _points(gw: httpx.AsyncClient, t: Tenant, neighbour_phone: str) -> None:
    """A published list and a draft, a verified neighbour's claim and a posting, a household."""
    staff, listing = t.callers["staff"], f"/api/points/communities/{t.ids['community']}/rules"
    published = await call(gw, "POST", listing, 201, json=rules(), headers=staff)
    await call(
        gw, "POST", f"/api/points/rules/{published['id']}/publish", 200, json={}, headers=staff
    )
    t.ids["version"] = (await call(gw, "POST", listing, 201, json=rules(), headers=staff))["id"]
    household = await call(
        gw, "POST", "/api/identity/households", 201, json={}, headers=t.callers["resident"]
    )
    t.ids["household"] = household["id"]
    neighbour = await login(gw, neighbour_phone)
    verification = {"real_name": f"{t.name}邻居", "id_number": id_number(fresh_id_serial())}
    await call(
        gw, "POST", "/api/identity/me/verification", 202, json=verification, headers=neighbour
    )
    approve = f"/api/identity/residents/{t.ids['neighbour']}/verification/approve"
    await call(gw, "POST", approve, 200, json={}, headers=staff)
    neighbour = await login(gw, neighbour_phone)  # a token that carries `verified`
    today = datetime.now(SHANGHAI).date().isoformat()
    claim = {"item_code": "HELP", "occurred_on": today, "description": "清理河道"}
    t.ids["claim"] = (await _eventually(gw, "/api/points/claims", claim, neighbour))["id"]
    adjustment = {"resident_id": t.ids["neighbour"], "amount": 5, "item_code": "VOL-ENV"}
    adjustment["reason"] = "矩阵测试"
    t.ids["posting"] = (await _eventually(gw, "/api/points/adjustments", adjustment, staff))["id"]


async def _eventually(
    gw: httpx.AsyncClient, path: str, body: dict[str, Any], headers: Headers
) -> Any:
    """POST once points has projected the resident from identity's events (409 until then)."""
    deadline = time.monotonic() + 30
    while True:
        answer = await gw.post(path, json=body, headers=headers)
        if answer.status_code != 409 or time.monotonic() > deadline:
            assert answer.status_code == 201, f"POST {path}: {answer.status_code} {answer.text}"
            return answer.json()
        await asyncio.sleep(0.3)


async def _unit(gw: httpx.AsyncClient, admin: Headers, kind: str, code: str, parent: str) -> str:
    body = {"kind": kind, "code": code, "name": f"矩阵{code}", "parent_id": parent}
    return str(
        (await call(gw, "POST", "/api/identity/org-units", 201, json=body, headers=admin))["id"]
    )
