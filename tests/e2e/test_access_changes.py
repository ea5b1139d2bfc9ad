"""Permissions that change take effect at once (issue 17), through the gateway with the token
the person already holds: an approval unlocks it, a revoked role and a disabled account lock
it, within seconds (identity → identity.events → every process's access overlay)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx
import pytest

from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import ITEMS, PASSWORD, SHANGHAI, Scene, fresh_id_serial, fresh_phone
from tests.e2e.scene import points_list as scene_points_list
from tests.e2e.tenants import id_number

AT_ONCE = 5.0  # seconds from a change to the same token being treated accordingly
ACCOUNT_WITHIN = 30.0  # seconds for identity's events to open a new resident's points account
TIDY = {
    "code": "TIDY",
    "name": "楼道清理",
    "category": "环境卫生",
    "points": 2,
    "requires_claim": True,
}

Send = Callable[[], Awaitable[httpx.Response]]


async def until(send: Send, done: Callable[[httpx.Response], bool], within: float) -> float:
    """Seconds until `send()` answers as `done` wants, asking every 0.1 s for `within` s."""
    started = time.monotonic()
    while not done(answer := await send()):
        took = time.monotonic() - started
        assert took < within, f"not within {within} s: {answer.status_code} {answer.text[:300]}"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def report(what: str, seconds: float, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\n[e2e] {what}: {seconds:.2f} s")


@pytest.fixture(scope="module")
async def admin(scene: Scene) -> dict[str, str]:
    return await scene.login(ADMIN_PHONE, ADMIN_PASSWORD)


async def publish_claimable_item(scene: Scene) -> None:
    body = {**scene_points_list(), "items": [*ITEMS, TIDY]}
    path = f"/api/points/communities/{scene.community_id}/rules"
    draft = await scene.gw.post(path, json=body, headers=scene.staff)
    assert draft.status_code == 201, draft.text
    publish = f"/api/points/rules/{draft.json()['id']}/publish"
    assert (await scene.gw.post(publish, json={}, headers=scene.staff)).status_code == 200


async def test_an_approval_unlocks_the_token_the_resident_already_holds(
    scene: Scene, capsys: pytest.CaptureFixture[str]
) -> None:
    await publish_claimable_item(scene)
    phone = fresh_phone()
    person = await scene.register(phone, "钱立新")
    me = await scene.login(phone)  # says verified: false for the next 15 minutes
    real = {"real_name": "钱立新", "id_number": id_number(fresh_id_serial())}
    assert (await scene.gw.post("/api/identity/me/verification", json=real, headers=me)).is_success
    account = f"/api/points/accounts/{person}"
    await until(lambda: scene.gw.get(account, headers=scene.staff), _ok, ACCOUNT_WITHIN)
    claim = {
        "item_code": "TIDY",
        "occurred_on": datetime.now(SHANGHAI).date().isoformat(),
        "description": "清理了三单元楼道的杂物",
    }

    async def submit() -> httpx.Response:
        return await scene.gw.post("/api/points/claims", json=claim, headers=me)

    refused = await submit()
    assert refused.status_code == 403 and refused.json()["detail"] == "需要先完成实名认证"
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    took = await until(submit, lambda a: a.status_code == 201, AT_ONCE)
    report("approval → the same token's claim accepted", took, capsys)


async def test_a_revoked_role_locks_the_token_its_holder_already_holds(
    scene: Scene, admin: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    phone = fresh_phone("139")
    person = await scene.register(phone, "孙敏")
    role = {"person_id": person, "role": "community_staff", "unit_id": scene.community_id}
    granted = await scene.gw.post("/api/identity/staff-roles", json=role, headers=admin)
    assert granted.status_code == 201, granted.text
    staff = await scene.login(phone)
    query = {"community_id": scene.community_id}

    async def list_residents() -> httpx.Response:  # staff only: a resident gets 403
        return await scene.gw.get("/api/identity/residents", params=query, headers=staff)

    assert (await list_residents()).status_code == 200
    revoked = await scene.gw.delete(
        f"/api/identity/staff-roles/{granted.json()['id']}", headers=admin
    )
    assert revoked.status_code == 204
    took = await until(list_residents, lambda a: a.status_code == 403, AT_ONCE)
    report("role revoked → the same token refused on a staff route", took, capsys)


async def test_a_disabled_account_loses_its_tokens_and_login_until_enabled(
    scene: Scene, admin: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    phone = fresh_phone()
    person = await scene.register(phone, "周停用")
    login = {"phone": phone, "password": PASSWORD}
    pair = (await scene.gw.post("/api/identity/auth/login", json=login)).json()
    me = {"Authorization": f"Bearer {pair['access_token']}"}
    disable = f"/api/identity/people/{person}/disable"
    refused = await scene.gw.post(disable, json={"reason": "冒用他人身份"}, headers=scene.staff)
    assert refused.status_code == 403  # community_staff may not; its administrators may
    answer = await scene.gw.post(disable, json={"reason": "冒用他人身份"}, headers=admin)
    assert answer.status_code == 200 and answer.json()["disabled"] is True, answer.text

    async def read_me() -> httpx.Response:
        return await scene.gw.get("/api/identity/me", headers=me)

    took = await until(read_me, lambda a: a.status_code == 401, AT_ONCE)
    report("account disabled → the same token refused", took, capsys)
    problem = (await read_me()).json()
    assert problem["title"] == "账号已停用" and problem["detail"].startswith("账号已停用")
    refresh = {"refresh_token": pair["refresh_token"]}
    assert (await scene.gw.post("/api/identity/auth/refresh", json=refresh)).status_code == 401
    again = await scene.gw.post("/api/identity/auth/login", json=login)
    assert again.status_code == 403 and again.json()["detail"].startswith("账号已停用")
    listed = await scene.gw.get(
        "/api/identity/residents", params={"community_id": scene.community_id}, headers=scene.staff
    )
    assert {p["id"]: p["disabled"] for p in listed.json()["items"]}[person] is True
    enable = f"/api/identity/people/{person}/enable"
    assert (await scene.gw.post(enable, json={}, headers=admin)).json()["disabled"] is False
    fresh = await scene.login(phone)
    assert (await scene.gw.get("/api/identity/me", headers=fresh)).status_code == 200


def _ok(answer: httpx.Response) -> bool:
    return answer.status_code == 200
