"""Every process running: a community activity's completion becomes points for who attended.

Staff organise an activity through the gateway (/api/activities reaches notices), a verified
resident signs up and checks in with the code on the staff screen, staff complete it after
its end; notices' ActivityAttended reaches points, which awards the item whose trigger is
`activity` with the activity's type.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import SHANGHAI, Scene, fresh_code, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number

AWARDED_WITHIN = 20.0  # seconds from completion to the resident seeing the points
ITEM = {
    "code": "ACT-ENV",
    "name": "参加社区环境整治活动",
    "category": "社区活动",
    "points": 4,
    "triggers": [{"source": "activity", "activity_type": "河道清理"}],
}


async def _created(gw: httpx.AsyncClient, path: str, body: dict[str, Any], headers: Any) -> Any:
    answer = await gw.post(path, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _community_with_activity_points(scene: Scene) -> tuple[str, dict[str, str]]:
    """A community of its own (with staff) whose points list awards activity attendance."""
    gw = scene.gw
    admin = await scene.login(ADMIN_PHONE, ADMIN_PASSWORD)
    district = (await gw.get("/api/identity/org-units?kind=district")).json()[0]["id"]
    town = await _created(
        gw,
        "/api/identity/org-units",
        {"kind": "town", "code": fresh_code("act-town"), "name": "复兴镇", "parent_id": district},
        admin,
    )
    community = await _created(
        gw,
        "/api/identity/org-units",
        {
            "kind": "community",
            "code": fresh_code("act-sq"),
            "name": "复兴社区",
            "parent_id": town["id"],
        },
        admin,
    )
    place = Scene(gw, community["id"], {}, "", "")
    staff_phone = fresh_phone("139")  # the platform is shared: nothing fixed
    staff_id = await place.register(staff_phone, "周干部")
    grant = {"person_id": staff_id, "role": "community_staff", "unit_id": community["id"]}
    await _created(gw, "/api/identity/staff-roles", grant, admin)
    staff = await place.login(staff_phone)
    since = (datetime.now(SHANGHAI).date() - timedelta(days=7)).isoformat()
    draft = await _created(
        gw,
        f"/api/points/communities/{community['id']}/rules",
        {"items": [ITEM], "effective_from": since},
        staff,
    )
    published = await gw.post(f"/api/points/rules/{draft['id']}/publish", json={}, headers=staff)
    assert published.status_code == 200, published.text
    return community["id"], staff


async def _verified_resident(scene: Scene, community_id: str, staff: dict[str, str]) -> Any:
    place = Scene(scene.gw, community_id, {}, "", "")
    phone = fresh_phone()
    resident = await place.register(phone, "陈阿姨")
    me = await place.login(phone)
    sent = await scene.gw.post(
        "/api/identity/me/verification",
        json={"real_name": "陈阿姨", "id_number": id_number(fresh_id_serial())},
        headers=me,
    )
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{resident}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=staff)).status_code == 200
    return await place.login(phone)  # a fresh token carries `verified`


async def _available(gw: httpx.AsyncClient, me: dict[str, str]) -> int | None:
    answer = await gw.get("/api/points/accounts/me", headers=me)
    return int(answer.json()["available"]) if answer.status_code == 200 else None


async def test_attending_a_completed_activity_is_awarded_by_the_points_list(scene: Scene):
    gw = scene.gw
    community_id, staff = await _community_with_activity_points(scene)
    me = await _verified_resident(scene, community_id, staff)
    now = datetime.now(UTC)
    body = {
        "community_id": community_id,
        "title": "河道垃圾清理",
        "place": "村口小桥",
        "activity_type": "河道清理",
        "capacity": 5,
        "starts_at": (now + timedelta(seconds=6)).isoformat(),
        "ends_at": (now + timedelta(seconds=12)).isoformat(),
    }
    act = await _created(gw, "/api/activities", body, staff)
    base = f"/api/activities/{act['id']}"
    signed = await gw.post(f"{base}/signup", headers=me)
    assert signed.status_code == 201, signed.text
    shown = await gw.get(f"{base}/checkin-code", headers=staff)
    assert shown.status_code == 200, shown.text
    checked = await gw.post(f"{base}/checkin", json={"code": shown.json()["code"]}, headers=me)
    assert checked.status_code == 200, checked.text
    await asyncio.sleep(max(0.0, (now + timedelta(seconds=13) - datetime.now(UTC)).total_seconds()))
    done = await gw.post(f"{base}/complete", json={}, headers=staff)
    assert done.status_code == 200 and done.json()["attendees"] == 1, done.text

    started = time.monotonic()
    while time.monotonic() - started < AWARDED_WITHIN and await _available(gw, me) != 4:
        await asyncio.sleep(0.2)
    assert await _available(gw, me) == 4
    print(f"\n[e2e] completion → points visible in {time.monotonic() - started:.2f} s")
    postings = (await gw.get("/api/points/accounts/me/postings", headers=me)).json()
    assert postings["items"][0]["source_type"] == "activity"
    assert uuid.UUID(postings["items"][0]["source_id"][:36])
