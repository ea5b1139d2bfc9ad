"""The residents' app in a real browser, every service running: 村民说事, 村务公开, activities.

(a) a verified resident raises a petition with a photo in the app; staff accept, assign, start
and resolve it (API); the resident rates it in the app and sees it closed on the public board.
(b) staff publish a notice that must be acknowledged (API); the resident opens it from the list,
acknowledges it and sees when. (c) staff organise an activity (API); the resident signs up in
the app, types the code staff read from their screen (API) and sees they are checked in.
Every screen passes axe-core (normal and elderly); each journey's last screen is saved.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from playwright.async_api import expect

from tests.e2e.browser import WebSession
from tests.e2e.scene import PASSWORD, SHANGHAI, Scene, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number
from tests.unit.kit.images import png

SYNC_WITHIN = 60.0  # seconds for petitions and notices to learn the community from identity


async def until(send: Callable[[], Awaitable[httpx.Response]], status: int) -> Any:
    """`send()` again until it answers `status` (a service still learning the community)."""
    deadline = time.monotonic() + SYNC_WITHIN
    while True:
        answer = await send()
        if answer.status_code == status:
            return answer.json()
        assert time.monotonic() < deadline, f"{answer.status_code}: {answer.text}"
        await asyncio.sleep(0.3)


async def verified_resident(scene: Scene, phone: str, name: str) -> dict[str, str]:
    """A resident of the scene's community, verified by its staff; their fresh token."""
    person = await scene.register(phone, name)
    me = await scene.login(phone)
    real = {"real_name": name, "id_number": id_number(fresh_id_serial())}
    sent = await scene.gw.post("/api/identity/me/verification", json=real, headers=me)
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    return await scene.login(phone)


async def staff_act(scene: Scene, petition: str, action: str, body: dict[str, Any]) -> None:
    answer = await scene.gw.post(
        f"/api/petitions/{petition}/actions/{action}", json=body, headers=scene.staff
    )
    assert answer.status_code == 200, answer.text


async def test_a_petition_raised_with_a_photo_is_resolved_rated_and_closed_on_the_board(
    web: WebSession, scene: Scene
) -> None:
    gw, page = scene.gw, web.page
    category = {
        "community_id": scene.community_id,
        "name": "环境卫生",
        "service_code": "sanitation",
        "kind": "demand",
        "accept_within_hours": 48,
        "resolve_within_days": 7,
    }
    await until(
        lambda: gw.post("/api/petitions/categories", json=category, headers=scene.staff), 201
    )
    phone = fresh_phone()
    await verified_resident(scene, phone, "王秀兰")

    await web.sign_in(phone, PASSWORD)
    await web.open("pages/petitions/new")
    await page.get_by_test_id("category-环境卫生").wait_for()
    await web.check_a11y("petition-new")
    await page.get_by_test_id("category-环境卫生").click()
    await page.locator("[data-testid=petition-title] input").fill("垃圾桶满了没人清")
    await page.locator("[data-testid=petition-content] textarea").fill(
        "村口垃圾桶已经三天没有清运，气味很大。"
    )
    await page.locator("[data-testid=petition-address] input").fill("村口小卖部旁")
    async with page.expect_file_chooser() as chooser:
        await page.get_by_test_id("add-photo").click()
    await (await chooser.value).set_files(
        {"name": "rubbish.png", "mimeType": "image/png", "buffer": png((40, 30))}
    )
    await expect(page.locator(".civic-photo")).to_have_count(1)
    await page.locator("uni-button", has_text="提交").click()

    await page.wait_for_url(re.compile(r"pages/petitions/detail\?id="))
    petition = page.url.split("id=")[1]
    await expect(page.get_by_test_id("petition-status")).to_have_text("待受理")
    await expect(page.locator(".civic-thumb")).to_have_count(1)
    await web.check_a11y("petition-detail")

    staff_id = (await gw.get("/api/identity/me", headers=scene.staff)).json()["id"]
    await staff_act(scene, petition, "accept", {})
    await staff_act(scene, petition, "assign", {"assignee_id": staff_id})
    await staff_act(scene, petition, "start", {})
    await staff_act(scene, petition, "resolve", {"reply": "已安排保洁员清运，并增加清运频次。"})

    await web.open(f"pages/petitions/detail?id={petition}")
    await expect(page.get_by_test_id("petition-status")).to_have_text("已办结待评价")
    await expect(page.get_by_text("已安排保洁员清运，并增加清运频次。")).to_be_visible()
    await web.check_a11y("petition-rate")
    await page.get_by_test_id("star-5").click()
    await page.locator("[data-testid=rate-comment] textarea").fill("清运很及时，谢谢！")
    await page.locator("uni-button", has_text="提交评价").click()
    await expect(page.get_by_test_id("petition-status")).to_have_text("已关闭")
    await expect(page.get_by_test_id("petition-rating")).to_contain_text("★★★★★")

    await web.open("pages/petitions/index")
    await page.get_by_test_id("tab-public").click()
    await expect(page.get_by_test_id("tab-public")).to_have_attribute("aria-selected", "true")
    card = page.get_by_test_id(f"petition-{petition}")
    await expect(card.get_by_test_id("petition-status")).to_have_text("已关闭")
    await expect(card).to_contain_text("评价 5 分")
    await web.open("pages/petitions/index?tab=public")  # what a reload keeps
    await expect(card.get_by_test_id("petition-status")).to_have_text("已关闭")
    await web.check_a11y("petition-board")
    await expect(card).to_contain_text("评价 5 分")
    await web.screenshot("petition-closed-on-board")


async def test_a_notice_to_acknowledge_is_opened_from_the_list_and_acknowledged(
    web: WebSession, scene: Scene
) -> None:
    gw, page = scene.gw, web.page
    phone = fresh_phone()
    me = await verified_resident(scene, phone, "刘建国")
    today = datetime.now(SHANGHAI).date()
    body = {
        "unit_id": scene.community_id,
        "category": "finance",
        "title": "十一月财务收支公开",
        "body": "请各位村民查看本月收支，**如有疑问**请于十日内反映。",
        "require_ack": True,
        "sheet": {
            "period": f"{today.year}年{today.month}月",
            "opening_balance_fen": 1_000_000,
            "lines": [
                {"date": today.isoformat(), "item": "上级补助", "income_fen": 50_000},
                {"date": today.isoformat(), "item": "保洁费", "expense_fen": 12_050},
            ],
        },
    }
    notice = (await until(lambda: gw.post("/api/notices", json=body, headers=scene.staff), 201))[
        "id"
    ]
    published = await gw.post(f"/api/notices/{notice}/publish", json={}, headers=scene.staff)
    assert published.status_code == 200, published.text

    async def listed() -> httpx.Response:
        answer = await gw.get("/api/notices", headers=me)
        found = answer.status_code == 200 and any(n["id"] == notice for n in answer.json()["items"])
        return httpx.Response(200 if found else 404, json={})

    await until(listed, 200)

    await web.sign_in(phone, PASSWORD)
    await web.open("pages/notices/index")
    item = page.get_by_test_id(f"notice-{notice}")
    await expect(item).to_contain_text("待确认")
    await expect(item).to_contain_text("未读")
    await web.check_a11y("notices")
    await item.click()

    await expect(page.get_by_test_id("notice-title")).to_have_text("十一月财务收支公开")
    await expect(page.get_by_test_id("notice-body").locator("strong")).to_have_text("如有疑问")
    await expect(page.get_by_test_id("sheet-income")).to_contain_text("500.00")
    await expect(page.get_by_test_id("sheet-expense")).to_contain_text("120.50")
    await expect(page.get_by_test_id("sheet-closing")).to_contain_text("10,379.50")
    await web.check_a11y("notice-detail")
    await page.locator("uni-button", has_text="我已阅读并知晓").click()
    await expect(page.get_by_test_id("acked")).to_contain_text("您已于")

    receipt = (await gw.get(f"/api/notices/{notice}", headers=me)).json()
    assert receipt["acked_at"] is not None
    await web.screenshot("notice-acknowledged")


async def test_a_resident_signs_up_for_an_activity_and_checks_in_with_the_code(
    web: WebSession, scene: Scene
) -> None:
    gw, page = scene.gw, web.page
    phone = fresh_phone()
    await verified_resident(scene, phone, "陈桂芳")
    now = datetime.now(UTC)
    body = {
        "community_id": scene.community_id,
        "title": "村口河道清理",
        "place": "村口小桥",
        "activity_type": "河道清理",
        "capacity": 10,
        "starts_at": (now + timedelta(minutes=10)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }
    activity = (
        await until(lambda: gw.post("/api/activities", json=body, headers=scene.staff), 201)
    )["id"]

    await web.sign_in(phone, PASSWORD)
    await web.open("pages/activities/index")
    item = page.get_by_test_id(f"activity-{activity}")
    await expect(item.get_by_test_id("my-place")).to_have_text("未报名")
    await web.check_a11y("activities")
    await item.click()

    await page.locator("uni-button", has_text="我要报名").click()
    await expect(page.get_by_test_id("my-signup")).to_have_text("已报名")
    await page.get_by_test_id("checkin-panel").wait_for()
    await web.check_a11y("activity-detail")

    shown = await gw.get(f"/api/activities/{activity}/checkin-code", headers=scene.staff)
    assert shown.status_code == 200, shown.text
    await page.locator("[data-testid=checkin-code] input").fill(shown.json()["code"])
    await page.locator("uni-button", has_text="签到").first.click()
    await expect(page.get_by_test_id("checked-in")).to_contain_text("签到")
    await expect(page.get_by_test_id("my-signup")).to_have_text("已签到")

    await web.open("pages/activities/index")
    await expect(item.get_by_test_id("my-place")).to_have_text("已签到")
    await web.screenshot("activity-checked-in")
