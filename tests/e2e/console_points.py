"""Helpers of the console's points journey: people set up through the API, Element Plus
controls driven in the browser, the points API polled with a deadline."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from PIL import Image
from playwright.async_api import Page

from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import SHANGHAI, Scene, activity, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number

Headers = dict[str, str]
WITHIN = 30.0  # seconds for an event to travel identity → points, or a push to be scored


async def eventually(probe: Callable[[], Awaitable[Any]], what: str, within: float = WITHIN) -> Any:
    """Poll `probe` until it gives something truthy; fail saying `what` after `within` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError(f"{what}: not within {within} s")


async def community_admin(scene: Scene, name: str) -> str:
    """A person of the scene's community granted community_admin by the district admin; their
    phone (they sign in to the console with it)."""
    admin = await scene.login(ADMIN_PHONE, ADMIN_PASSWORD)
    phone = fresh_phone("139")
    person = await scene.register(phone, name)
    grant = {"person_id": person, "role": "community_admin", "unit_id": scene.community_id}
    answer = await scene.gw.post("/api/identity/staff-roles", json=grant, headers=admin)
    assert answer.status_code == 201, answer.text
    return phone


async def verified_resident(scene: Scene, name: str) -> tuple[str, str, Headers]:
    """A resident of the scene verified by its staff, whose points account is open: their id,
    phone and a fresh token that carries `verified`."""
    phone = fresh_phone()
    person = await scene.register(phone, name)
    me = await scene.login(phone)
    real = {"real_name": name, "id_number": id_number(fresh_id_serial())}
    sent = await scene.gw.post("/api/identity/me/verification", json=real, headers=me)
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    await eventually(lambda: account(scene, person), "the resident's points account opens")
    return person, phone, await scene.login(phone)


async def account(scene: Scene, person: str, staff: Headers | None = None) -> Any:
    answer = await scene.gw.get(f"/api/points/accounts/{person}", headers=staff or scene.staff)
    return answer.json() if answer.status_code == 200 else None


async def postings(scene: Scene, person: str) -> list[dict[str, Any]]:
    path = f"/api/points/accounts/{person}/postings"
    answer = await scene.gw.get(path, headers=scene.staff)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def push_now(phone: str, kind: str, community_id: str) -> dict[str, Any]:
    """A volunteer push completed a few seconds ago (Beijing time): scored by the list in force
    today, even just after midnight."""
    completed = datetime.now(SHANGHAI).replace(microsecond=0) - timedelta(seconds=5)
    return activity(phone, kind, community_id=community_id, completed_at=completed.isoformat())


TITLES = {
    "/points/rules": "积分清单",
    "/points/adjustments": "积分调整",
    "/points/claims": "积分申报审核",
    "/points/publicity": "公示与异议",
    "/points/unmatched": "未匹配志愿活动",
    "/points/reversals": "积分冲正",
    "/points/red-lists": "红榜",
}


async def open_screen(page: Page, path: str) -> None:
    """Move to a points screen and wait until it, not the screen before it, is shown (screens
    load lazily: for a moment after the address changes the old one is still there)."""
    await page.evaluate("(r) => { location.hash = '#' + r }", path)
    heading = page.get_by_role("heading", level=1, name=TITLES[path], exact=True)
    await heading.wait_for()


async def pick(page: Page, testid: str, option: str) -> None:
    """Choose `option` in the Element Plus select marked `testid`."""
    await page.get_by_test_id(testid).click()
    await page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


async def find_resident(page: Page, name: str) -> None:
    """Type a name into the resident picker and choose the one match."""
    picker = page.get_by_test_id("resident-picker")
    await picker.click()
    await picker.locator("input").fill(name)
    await page.locator(".el-select-dropdown__item:visible", has_text=name).first.click()


async def fill_number(page: Page, selector: str, value: int) -> None:
    box = page.locator(selector)
    await box.fill(str(value))
    await box.press("Tab")


async def evidence_photo(scene: Scene, me: Headers) -> str:
    """A photo uploaded by the resident for a claim: the url the claim cites."""
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(data, format="PNG")
    files = {"file": ("evidence.png", data.getvalue(), "image/png")}
    answer = await scene.gw.post("/api/points/evidence", files=files, headers=me)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["url"])


async def unmatched_of(scene: Scene, kind: str) -> str | None:
    """The open unmatched row of the scene's community for this activity kind, if parked."""
    path = f"/api/points/communities/{scene.community_id}/unmatched"
    answer = await scene.gw.get(path, headers=scene.staff)
    assert answer.status_code == 200, answer.text
    return next((str(r["id"]) for r in answer.json() if r["activity_type"] == kind), None)
