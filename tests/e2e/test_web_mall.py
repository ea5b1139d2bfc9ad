"""积分超市 in the residents' app (H5, in a real browser, against the whole platform): a verified
resident with points opens the mall, orders an item, sees the confirmed order with its pickup code
as text and as a QR; the counter writes the code read from the page off through the API; the
resident sees the order picked up. The member code screen shows a QR and its countdown. Every
screen passes the accessibility check, in normal and elderly mode."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.e2e.browser import WebSession
from tests.e2e.mall_scene import Shelf, fund, open_counter, shelve, verified_resident
from tests.e2e.scene import PASSWORD, Scene, fresh_id_serial, fresh_phone

PRICE = 10
FUNDS = 25
SETTLED = 30_000  # ms for an order to leave pending_points (points answers over Kafka)


@pytest.fixture(scope="module")
async def shelf(scene: Scene) -> Shelf:
    counter = await open_counter(scene.gw, scene.staff, scene.community_id, name="文化站兑换点")
    return await shelve(
        scene.gw,
        scene.staff,
        scene.community_id,
        counter,
        name="竹编菜篮",
        price=PRICE,
        units=5,
        description="本村手艺人编的菜篮",
        per_person_limit=2,
        limit_period="month",
    )


async def resident(scene: Scene) -> str:
    """A verified resident of the scene's community holding FUNDS points: their phone."""
    phone = fresh_phone()
    person, _ = await verified_resident(
        scene.gw, scene.staff, scene.community_id, phone, fresh_id_serial()
    )
    await fund(scene.gw, scene.staff, person, FUNDS)
    return phone


async def test_a_resident_orders_picks_up_and_sees_it_fulfilled(
    scene: Scene, shelf: Shelf, web: WebSession
):
    page = web.page
    await web.sign_in(await resident(scene), PASSWORD)

    await web.open("pages/mall/index")
    await expect(page.get_by_test_id("mall-available")).to_have_text(str(FUNDS))
    item = page.get_by_test_id("mall-item").filter(has_text="竹编菜篮")
    await expect(item).to_contain_text(f"{PRICE} 积分")
    await expect(item).to_contain_text("每人每月限 2 件")
    await web.check_a11y("mall")

    await item.click()
    await expect(page.get_by_test_id("item-name")).to_have_text("竹编菜篮")
    await expect(page.get_by_test_id("counter")).to_contain_text("文化站兑换点")
    await web.check_a11y("mall-item")
    await page.locator("uni-button[data-testid=order]").click()
    result = page.get_by_test_id("order-result")
    await expect(result).to_be_visible(timeout=SETTLED)
    await page.locator("uni-button[data-testid=view-order]").click()

    code = page.get_by_test_id("pickup-code")
    await expect(code).to_have_text(re.compile(r"^[0-9A-Z]{8}$"), timeout=SETTLED)
    pickup_code = (await code.inner_text()).strip()
    qr = page.get_by_test_id("qr")
    await expect(qr).to_be_visible()
    await expect(qr).to_have_attribute("aria-label", re.compile(pickup_code))
    await expect(page.get_by_test_id("order-status")).to_have_text("待取货")
    await expect(page.get_by_test_id("counter-name")).to_have_text("文化站兑换点")
    await expect(page.get_by_test_id("pickup-by")).to_contain_text("前取货")
    await web.check_a11y("mall-order")
    order_id = re.search(r"id=([0-9a-f-]{36})", page.url)
    assert order_id, page.url

    # The counter operator types the code the resident shows (staff act through the API).
    written_off = await scene.gw.post(
        "/api/mall/pickups",
        json={"code": pickup_code, "counter_id": shelf.counter_id},
        headers=scene.staff,
    )
    assert written_off.status_code == 200, written_off.text
    assert written_off.json()["status"] == "fulfilled"

    await web.open(f"pages/mall/order?id={order_id.group(1)}")
    await expect(page.get_by_test_id("order-status")).to_have_text("已取货")
    await expect(page.get_by_test_id("pickup-code")).to_have_count(0)

    await web.open("pages/mall/orders")
    row = page.get_by_test_id("order-row").first
    await expect(row).to_contain_text("竹编菜篮")
    await expect(row.get_by_test_id("order-status")).to_have_text("已取货")
    await web.check_a11y("mall-orders")

    await web.open("pages/mall/index")
    await expect(page.get_by_test_id("mall-available")).to_have_text(str(FUNDS - PRICE))


async def test_the_member_code_shows_a_qr_and_counts_down(scene: Scene, web: WebSession):
    page = web.page
    await web.sign_in(await resident(scene), PASSWORD)
    await web.open("pages/mall/member-code")
    await expect(page.get_by_test_id("qr")).to_be_visible()
    await expect(page.get_by_test_id("qr").locator("img, uni-image")).not_to_have_count(0)
    countdown = page.get_by_test_id("countdown")
    await expect(countdown).to_have_text(re.compile(r"\d+:\d\d 后失效"))
    first = await countdown.inner_text()
    await expect(countdown).not_to_have_text(first, timeout=5_000)  # it counts down by itself
    await web.check_a11y("member-code")
    await web.screenshot("web-mall-member-code")
