"""The residents' app, points and messages, in a real browser against the whole platform.

A verified resident with postings (a signed volunteer push and staff adjustments, through the
API) scrolls their postings page by page, sees their rank and the red list, reads the points
list by category, claims points with a photo and sees the claim under review; staff approve it
(API) and the message arrives on the open messages screen without a reload, then is read.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.async_api import expect

from tests.e2e.browser import WebSession
from tests.e2e.scene import (
    ITEMS,
    PASSWORD,
    Scene,
    activity,
    fresh_id_serial,
    fresh_phone,
    points_list,
)
from tests.e2e.tenants import id_number

PHONE = fresh_phone()  # this module's resident, fresh for the shared platform
NAME = "赵积分"
ACCOUNT_WITHIN = 30.0  # seconds for identity's events to open the resident's points account
LIVE_WITHIN = 30_000  # ms for an approval to reach the open messages screen (Kafka, notices)
EXTRA_ITEMS: list[dict[str, Any]] = [
    {"code": "HELP", "name": "邻里互助", "category": "邻里互助", "points": 3},
    {
        "code": "CLEAN",
        "name": "门前三包",
        "category": "环境卫生",
        "points": 4,
        "requires_claim": True,
        "evidence_required": True,
        "caps": {"month": 20},
    },
    {"code": "LITTER", "name": "乱扔垃圾", "category": "环境卫生", "points": -5},
]
ADJUSTMENTS = 24  # with the push: more postings than one page (20)


async def publish_rules(scene: Scene) -> None:
    """The scene's list again with a claimable item, a deduction and an item staff award."""
    body = {**points_list(), "items": [*ITEMS, *EXTRA_ITEMS]}
    path = f"/api/points/communities/{scene.community_id}/rules"
    draft = await scene.gw.post(path, json=body, headers=scene.staff)
    assert draft.status_code == 201, draft.text
    version = draft.json()["id"]
    published = await scene.gw.post(
        f"/api/points/rules/{version}/publish", json={}, headers=scene.staff
    )
    assert published.status_code == 200, published.text


async def verified_resident(scene: Scene) -> str:
    person = await scene.register(PHONE, NAME)
    me = await scene.login(PHONE)
    real = {"real_name": NAME, "id_number": id_number(fresh_id_serial())}
    sent = await scene.gw.post("/api/identity/me/verification", json=real, headers=me)
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    return person


async def adjust(scene: Scene, resident: str, amount: int, n: int) -> Any:
    body = {"resident_id": resident, "amount": amount, "item_code": "HELP", "reason": f"帮邻居{n}"}
    return await scene.gw.post("/api/points/adjustments", json=body, headers=scene.staff)


async def award_postings(scene: Scene, resident: str) -> int:
    """A signed volunteer push, then staff adjustments; the total awarded."""
    deadline = time.monotonic() + ACCOUNT_WITHIN
    while (first := await adjust(scene, resident, 3, 0)).status_code == 404:
        assert time.monotonic() < deadline, f"no points account: {first.text}"
        await asyncio.sleep(0.3)
    assert first.status_code == 201, first.text
    for n in range(1, ADJUSTMENTS):
        answer = await adjust(scene, resident, 3, n)
        assert answer.status_code == 201, answer.text
    pushed = await scene.push(activity(PHONE, community_id=scene.community_id))
    assert pushed.status_code in (200, 202), pushed.text
    total = 3 * ADJUSTMENTS + 5
    while (await balance(scene, resident)) != total:  # the push goes through Kafka
        assert time.monotonic() < deadline + ACCOUNT_WITHIN, "the push was never credited"
        await asyncio.sleep(0.3)
    return total


async def balance(scene: Scene, resident: str) -> int:
    answer = await scene.gw.get(f"/api/points/accounts/{resident}", headers=scene.staff)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["balance"])


def photo(tmp: Path) -> Path:
    path = tmp / "evidence.png"
    Image.new("RGB", (64, 48), (40, 120, 60)).save(path, format="PNG")
    return path


async def test_points_claims_and_a_live_message(
    web: WebSession, scene: Scene, tmp_path: Path
) -> None:
    await publish_rules(scene)
    resident = await verified_resident(scene)
    total = await award_postings(scene, resident)
    page = web.page
    await web.sign_in(PHONE, PASSWORD)

    # Postings page by page on the cursor, signed deltas and what each was for.
    await web.open("pages/points/index")
    await expect(page.get_by_test_id("points-balance")).to_have_text(str(total), timeout=20_000)
    await expect(page.get_by_test_id("points-rank")).to_contain_text("第 1 名")
    postings = page.get_by_test_id("posting")
    await expect(postings).to_have_count(20)
    await expect(postings.first).to_contain_text("+")
    await web.check_a11y("points")
    await expect(postings).to_have_count(20)
    await page.get_by_test_id("postings-end").scroll_into_view_if_needed()
    await page.mouse.wheel(0, 20_000)
    await expect(postings).to_have_count(ADJUSTMENTS + 1)
    await expect(page.get_by_test_id("postings-end")).to_have_text("没有更多了")
    await expect(page.get_by_test_id("postings")).to_contain_text("邻里互助（帮邻居0）")

    # The red list, names masked by the API.
    await page.get_by_test_id("link-redlist").click()
    rows = page.get_by_test_id("redlist-row")
    await expect(rows.first).to_contain_text("赵*分")
    await page.get_by_test_id("redlist-by-household").click()
    await page.get_by_test_id("redlist-period-all").click()
    await expect(page.get_by_test_id("redlist")).to_be_visible()
    await web.check_a11y("redlist")

    # The points list grouped by category, deductions shown as such.
    await web.open("pages/points/rules")
    categories = page.get_by_test_id("rules-category")
    await expect(categories).to_have_text(["志愿服务", "参与治理", "邻里互助", "环境卫生"])
    await expect(page.get_by_test_id("rules-group").last).to_contain_text("扣 5 分/次")
    await expect(page.get_by_test_id("rules-group").last).to_contain_text("每月最多 20 分")
    await web.check_a11y("rules")

    # A claim with a photo: uploaded as evidence, the claim under review.
    await page.get_by_test_id("claim-CLEAN").click()
    await expect(page.get_by_test_id("claim-item-CLEAN")).to_have_attribute("aria-checked", "true")
    await web.check_a11y("claim-new")
    await expect(page.get_by_test_id("claim-item-CLEAN")).to_have_attribute("aria-checked", "true")
    await page.get_by_test_id("claim-description").locator("textarea").fill("清扫了门前和楼道")
    async with page.expect_file_chooser() as chooser:
        await page.get_by_test_id("claim-add-photo").click()
    await (await chooser.value).set_files(str(photo(tmp_path)))
    await expect(page.get_by_test_id("claim-photo")).to_contain_text("已上传")
    await page.locator("uni-button", has_text="提交申报").click()
    await page.wait_for_url(re.compile(r"#/pages/points/claims"))
    claim = page.get_by_test_id("claim").first
    await expect(claim.get_by_test_id("claim-state")).to_have_text("审核中")
    await web.check_a11y("claims")
    mine = await scene.gw.get(
        f"/api/points/claims?community_id={scene.community_id}&status=submitted",
        headers=scene.staff,
    )
    assert mine.status_code == 200, mine.text
    [submitted] = mine.json()["items"]
    assert submitted["evidence"][0].startswith("/api/points/evidence/")
    seen = await scene.gw.get(submitted["evidence"][0], headers=scene.staff)
    assert seen.status_code == 200 and seen.headers["content-type"] == "image/png"

    # Messages: the approval arrives live on the open screen, then is read.
    await web.open("pages/messages/index")
    await expect(page.get_by_test_id("message").first).to_be_visible(timeout=20_000)
    await expect(page.get_by_test_id("live-on")).to_be_visible()
    await web.check_a11y("messages")
    await expect(page.get_by_test_id("live-on")).to_be_visible()
    await page.wait_for_load_state("networkidle")
    review = {"decision": "approve"}
    approved = await scene.gw.post(
        f"/api/points/claims/{submitted['id']}/review", json=review, headers=scene.staff
    )
    assert approved.status_code == 200, approved.text
    arrived = page.get_by_test_id("message").filter(has_text="积分申报已通过")
    await expect(arrived).to_be_visible(timeout=LIVE_WITHIN)
    await expect(arrived).to_have_attribute("data-read", "no")
    await arrived.click()
    await page.wait_for_url(re.compile(r"#/pages/points/claims"))
    await expect(page.get_by_test_id("claim").first.get_by_test_id("claim-state")).to_have_text(
        "公示中"
    )
    await page.go_back()
    await expect(
        page.get_by_test_id("message").filter(has_text="积分申报已通过")
    ).to_have_attribute("data-read", "yes")
    await page.locator("uni-button", has_text="全部已读").click()
    await expect(page.get_by_test_id("unread-count")).to_have_text("没有未读消息")
    await web.screenshot("points-messages")
