"""An end-to-end scene on a running platform: a community, its staff, a points list, a partner,
and helpers to register residents and sign partner pushes."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "Passw0rd!"
ITEMS = [
    {
        "code": "VOL-ENV",
        "name": "环境整治志愿服务",
        "category": "志愿服务",
        "points": 5,
        "triggers": [{"source": "volunteer", "activity_type": "环境整治"}],
    },
    {
        "code": "VOL-ELDER",
        "name": "助老服务",
        "category": "志愿服务",
        "points": 2,
        "unit": "per_hour",
        "triggers": [{"source": "volunteer", "activity_type": "助老服务"}],
    },
    {
        "code": "ADOPTED",
        "name": "建议被采纳",
        "category": "参与治理",
        "points": 5,
        "triggers": [{"source": "petition_adopted"}],
    },
]


# Modules share one platform (see conftest.py): whatever identity keeps unique (phones, ID
# numbers, unit codes) is made fresh per call, never written as a constant. One counter for
# the whole pytest process, so no two calls in a run give the same value.
_SERIALS = itertools.count(random.randrange(10**6))


def fresh_phone(prefix: str = "137") -> str:
    """A mobile number no other call in this run gives (`prefix`: 137 residents, 139 staff)."""
    return f"{prefix}{next(_SERIALS) % 10**8:08d}"


def fresh_code(prefix: str) -> str:
    """An org unit code no other call in this run gives."""
    return f"{prefix}-{next(_SERIALS)}-{uuid.uuid4().hex[:6]}"


_ID_SERIALS = itertools.count(300)


def fresh_id_serial() -> int:
    """A serial for tenants.id_number (three digits) no other call in this run gives; the
    fixed serials below 300 stay with the modules that run on a platform of their own."""
    serial = next(_ID_SERIALS)
    assert serial < 1000, "id_number serials are three digits"
    return serial


@dataclass
class Scene:
    """A community with staff, a published points list and a registered partner."""

    gw: httpx.AsyncClient
    community_id: str
    staff: dict[str, str]
    partner_id: str
    secret: str
    # Names as residents pick them when registering: unique per scene (platforms are shared).
    town_name: str = ""
    community_name: str = ""
    staff_phone: str = ""  # the community_staff member's, for signing in through a browser

    async def login(self, phone: str, password: str = PASSWORD) -> dict[str, str]:
        answer = await self.gw.post(
            "/api/identity/auth/login", json={"phone": phone, "password": password}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def register(self, phone: str, name: str) -> str:
        body = {
            "phone": phone,
            "password": PASSWORD,
            "name": name,
            "community_id": self.community_id,
        }
        answer = await self.gw.post("/api/identity/residents", json=body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    def signed(
        self,
        body: bytes,
        *,
        secret: str | None = None,
        at: int | None = None,
        partner: str | None = None,
        content_type: str = "application/cloudevents+json",
    ) -> dict[str, str]:
        t = str(at if at is not None else int(time.time()))
        mac = hmac.new((secret or self.secret).encode(), f"{t}.".encode() + body, hashlib.sha256)
        return {
            "X-Partner-Id": partner or self.partner_id,
            "X-Signature": f"t={t},v1={mac.hexdigest()}",
            "Content-Type": content_type,
        }

    async def push(
        self, events: list[dict[str, Any]] | dict[str, Any], **sign: Any
    ) -> httpx.Response:
        batch = isinstance(events, list)
        body = json.dumps(events, ensure_ascii=False).encode()
        kind = "application/cloudevents-batch+json" if batch else "application/cloudevents+json"
        headers = self.signed(body, content_type=kind, **sign)
        return await self.gw.post("/webhooks/volunteer", content=body, headers=headers)


def activity(phone: str, kind: str = "环境整治", hours: float = 2, **extra: Any) -> dict[str, Any]:
    """A partner's CloudEvent as the volunteer platform sends it (the phone in the clear).

    Its times are built from now: the services run on the real clock and score a fact by the
    points list in force on its Asia/Shanghai date, so a fixed date would rot."""
    sent = datetime.now(SHANGHAI).replace(microsecond=0)
    completed = sent - timedelta(hours=1)
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/volunteer-platform",
        "type": "org.shanzhi.volunteer.activity_completed.v1",
        "time": sent.isoformat(),
        "datacontenttype": "application/json",
        "data": {
            "volunteer": {"phone": phone},
            "activity": {"id": uuid.uuid4().hex, "type": kind, "title": "河道清理"},
            "community_id": extra.pop("community_id"),
            "hours": hours,
            "completed_at": completed.isoformat(),
            **extra,
        },
    }


def points_list() -> dict[str, Any]:
    """The scene's points list, in force since a week before today (Asia/Shanghai), so a push
    completed an hour ago is scored by it even just after midnight."""
    since = datetime.now(SHANGHAI).date() - timedelta(days=7)
    return {"items": ITEMS, "effective_from": since.isoformat()}


async def prepare(gw: httpx.AsyncClient) -> Scene:
    """A community with a staff member, a published points list and a partner, all of its
    own: unit codes and the staff phone are fresh per call (platforms are shared)."""
    admin = await Scene(gw, "", {}, "", "").login(ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await gw.get("/api/identity/org-units?kind=district")).json()[0]["id"]
    serial = next(_SERIALS)
    town_name, community_name = f"西城街道{serial}", f"小北街社区{serial}"
    town = await _unit(gw, admin, "town", fresh_code("e2e-town"), town_name, district)
    community = await _unit(gw, admin, "community", fresh_code("e2e-sq"), community_name, town)
    partial = Scene(gw, community, {}, "", "")
    staff_phone = fresh_phone("139")
    staff_id = await partial.register(staff_phone, "李秀英")
    grant = {"person_id": staff_id, "role": "community_staff", "unit_id": community}
    assert (
        await gw.post("/api/identity/staff-roles", json=grant, headers=admin)
    ).status_code == 201
    staff = await partial.login(staff_phone)
    draft = await gw.post(
        f"/api/points/communities/{community}/rules", json=points_list(), headers=staff
    )
    assert draft.status_code == 201, draft.text
    published = await gw.post(
        f"/api/points/rules/{draft.json()['id']}/publish", json={}, headers=staff
    )
    assert published.status_code == 200, published.text
    partner = await gw.post("/api/identity/partners", json={"name": "志愿服务平台"}, headers=admin)
    assert partner.status_code == 201, partner.text
    return Scene(
        gw,
        community,
        staff,
        partner.json()["partner_id"],
        partner.json()["secret"],
        town_name,
        community_name,
        staff_phone,
    )


async def _unit(
    gw: httpx.AsyncClient, admin: dict[str, str], kind: str, code: str, name: str, parent: str
) -> str:
    body = {"kind": kind, "code": code, "name": name, "parent_id": parent}
    answer = await gw.post("/api/identity/org-units", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])
