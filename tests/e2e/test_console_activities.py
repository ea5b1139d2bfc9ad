"""Activities in the staff console, in a real browser: staff organise one about to start; a
verified resident signs up through the API; the projector's check-in screen shows the code,
which the resident uses to check in; staff mark a second resident present by hand and complete
the activity after its end. Staff of another community see none of it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
from playwright.async_api import expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.scene import PASSWORD, SHANGHAI, Scene, fresh_id_serial, fresh_phone, prepare
from tests.e2e.tenants import id_number

# Sign-up closes at the start; check-in and marking by hand open half an hour before it, so the
# journey does both before the start and then waits only for the end to complete it. The start
# leaves time to fill the form and sign two residents up on a loaded machine.
STARTS_IN = timedelta(seconds=45)
LASTS = timedelta(seconds=5)


async def _verified(scene: Scene, name: str) -> tuple[str, dict[str, str]]:
    phone = fresh_phone()
    resident = await scene.register(phone, name)
    me = await scene.login(phone)
    sent = await scene.gw.post(
        "/api/identity/me/verification",
        json={"real_name": name, "id_number": id_number(fresh_id_serial())},
        headers=me,
    )
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{resident}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    return resident, await scene.login(phone)  # a fresh token carries `verified`


def _wall(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


async def _organise(console: ConsoleSession, title: str) -> tuple[str, datetime]:
    page = console.page
    await console.go("/activities")
    await expect(page.get_by_test_id("activity-table")).to_be_visible()
    await console.check_a11y("activities list")
    await page.get_by_test_id("activity-new").click()
    await page.locator("#activity-title").fill(title)
    await page.locator("#activity-place").fill("村委会广场")
    await page.locator("#activity-type").fill("环境整治")
    await console.check_a11y("activity form")
    starts = datetime.now(SHANGHAI).replace(microsecond=0) + STARTS_IN
    for field, at in (("#activity-starts", starts), ("#activity-ends", starts + LASTS)):
        await page.locator(field).fill(_wall(at))
        await page.locator(field).press("Enter")
    await page.get_by_test_id("activity-create").click()
    await page.wait_for_url(re.compile(r"#/activities/[0-9a-f-]{36}$"))
    await expect(page.get_by_test_id("activity-state")).to_have_text("报名中")
    return page.url.rsplit("/", 1)[-1], starts + LASTS


async def test_staff_run_an_activity_from_sign_up_to_completion(
    console: ConsoleSession, open_console: OpenConsole, scene: Scene
):
    gw = scene.gw
    _, resident = await _verified(scene, "吴签到")
    _, elder = await _verified(scene, "郑老伯")  # no phone at the venue: staff mark him
    await console.sign_in(scene.staff_phone, PASSWORD)
    title = f"河道清理{datetime.now(SHANGHAI):%H%M%S}"
    activity_id, ends = await _organise(console, title)
    base = f"/api/activities/{activity_id}"
    stored = (await gw.get(base, headers=scene.staff)).json()
    assert (stored["title"], stored["place"], stored["capacity"]) == (title, "村委会广场", 30)
    assert datetime.fromisoformat(stored["ends_at"]) == ends
    for who in (resident, elder):
        signed = await gw.post(f"{base}/signup", headers=who)
        assert signed.status_code == 201, signed.text

    page = console.page
    await page.get_by_test_id("activity-refresh").click()  # still on its page since creating it
    participants = page.get_by_test_id("participants")
    await expect(participants).to_contain_text("吴签到")
    await console.check_a11y("activity detail")
    await page.get_by_test_id("activity-display").click()
    code = page.get_by_test_id("checkin-code")
    await expect(code).to_have_text(re.compile(r"^\d{6}$"))
    await expect(page.get_by_test_id("checkin-qr")).to_be_visible()
    shown = (await code.text_content() or "").strip()
    checked = await gw.post(f"{base}/checkin", json={"code": shown}, headers=resident)
    assert checked.status_code == 200, checked.text
    await expect(page.get_by_test_id("checkin-count")).to_have_text("1", timeout=15_000)
    await console.check_a11y("check-in display")
    await console.screenshot("activity-checkin-display")

    await console.go(f"/activities/{activity_id}")
    elder_row = participants.get_by_role("row", name="郑老伯")
    await elder_row.get_by_test_id("mark-present").click()
    await expect(elder_row).not_to_contain_text("标记到场")
    await expect(page.get_by_test_id("activity-checked-in")).to_have_text("2")
    await console.screenshot("activity-detail")
    wait_ms = max(0.0, (ends - datetime.now(SHANGHAI)).total_seconds()) * 1000 + 15_000
    await expect(page.get_by_test_id("activity-complete")).to_be_enabled(timeout=wait_ms)
    await page.get_by_test_id("activity-complete").click()
    await page.get_by_role("dialog").get_by_role("button", name="完成").click()
    await expect(page.get_by_test_id("activity-state")).to_have_text("已完成")
    done = (await gw.get(base, headers=scene.staff)).json()
    assert (done["status"], done["checked_in"]) == ("completed", 2)

    await _another_community_sees_none_of_it(open_console, gw, activity_id, title)


async def _another_community_sees_none_of_it(
    open_console: OpenConsole, gw: httpx.AsyncClient, activity_id: str, title: str
) -> None:
    other = await prepare(gw)
    base = f"/api/activities/{activity_id}"
    for path in ("", "/participants", "/checkin-code"):
        answer = await gw.get(f"{base}{path}", headers=other.staff)
        assert answer.status_code == 404, (path, answer.status_code)
    cancelled = await gw.post(f"{base}/cancel", json={}, headers=other.staff)
    assert cancelled.status_code == 404
    stranger = await open_console("other")
    await stranger.sign_in(other.staff_phone, PASSWORD)
    await stranger.go("/activities")
    table = stranger.page.get_by_test_id("activity-table")
    await expect(table).to_be_visible()
    await expect(table.get_by_text(title)).to_have_count(0)
    stranger.allow_status(base, 404)
    await stranger.go(f"/activities/{activity_id}")
    await expect(stranger.page.get_by_role("alert").first).to_contain_text("不存在或无权访问")
    await expect(stranger.page.get_by_test_id("participants")).not_to_contain_text("吴签到")
    await stranger.check_a11y("another community's activity")
