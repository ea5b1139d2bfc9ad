"""积分超市 in the staff console (a real browser, against the whole platform): a counter operator
writes a resident's pickup code off by typing it and pressing Enter, as a USB scanner does, and
the same code again is refused on screen; a resident without a phone redeems at the counter by
phone + the last four of the ID number and the balance drops by the price; the community's staff
keep the catalog, the stock and the reconciliation; a staff member of another community sees none
of these orders and cannot write this community's code off. axe on every screen."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from typing import Any

import pytest
from playwright.async_api import FilePayload, expect

from kit.masking import mask_name
from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.mall_scene import (
    Shelf,
    account,
    fund,
    open_counter,
    place,
    settled,
    shelve,
    verified_resident,
)
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import PASSWORD, Scene, fresh_id_serial, fresh_phone, prepare
from tests.e2e.tenants import Headers, call, id_number, login

PRICE = 10
FUNDS = 25
SETTLED_WITHIN = 60.0  # seconds for points to settle a fulfilled order's hold


@pytest.fixture(scope="module")
async def shelf(scene: Scene) -> Shelf:
    counter = await open_counter(scene.gw, scene.staff, scene.community_id, name="村委会兑换点")
    return await shelve(
        scene.gw, scene.staff, scene.community_id, counter, name="山西老陈醋", price=PRICE, units=20
    )


@pytest.fixture(scope="module")
async def operator(scene: Scene) -> str:
    """A counter operator of the scene's community (granted by the district admin): their phone."""
    phone = fresh_phone("139")
    person = await scene.register(phone, "张丽")
    admin = await login(scene.gw, ADMIN_PHONE, ADMIN_PASSWORD)
    grant = {"person_id": person, "role": "counter_operator", "unit_id": scene.community_id}
    await call(scene.gw, "POST", "/api/identity/staff-roles", 201, json=grant, headers=admin)
    return phone


async def resident(scene: Scene) -> tuple[str, Headers, int, str]:
    """A verified resident holding FUNDS points: id, headers, ID serial, phone."""
    phone, serial = fresh_phone(), fresh_id_serial()
    person, me = await verified_resident(scene.gw, scene.staff, scene.community_id, phone, serial)
    await fund(scene.gw, scene.staff, person, FUNDS)
    return person, me, serial, phone


async def confirmed_order(scene: Scene, shelf: Shelf, me: Headers) -> dict[str, Any]:
    placed = await place(scene.gw, me, shelf)
    assert placed.status_code == 201, placed.text
    order = await settled(scene.gw, me, placed.json()["id"])
    assert order["status"] == "confirmed" and order["pickup_code"], order
    return order


def tiny_png() -> bytes:
    """A 1×1 PNG, made here (the mall reads an image's type from its bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xc0\x39\x2b")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def scan(console: ConsoleSession, code: str) -> None:
    """What a USB scanner does: type the characters into the focused field, then Enter."""
    field = console.page.locator("#pickup-code")
    await expect(field).to_be_focused()
    await console.page.keyboard.type(code, delay=15)
    await console.page.keyboard.press("Enter")


async def test_an_operator_writes_a_pickup_code_off_as_a_scanner_types_it(
    open_console: OpenConsole, scene: Scene, shelf: Shelf, operator: str
):
    _, me, serial, _ = await resident(scene)
    order = await confirmed_order(scene, shelf, me)
    code = order["pickup_code"]

    console = await open_console("operator")
    await console.sign_in(operator, PASSWORD)
    await console.go("/mall/pickup")
    await expect(console.page.get_by_test_id("counter-picker")).to_be_visible()
    await console.check_a11y("pickup")

    await scan(console, code.lower())  # a scanner in lower case: the code is read the same
    result = console.page.get_by_test_id("pickup-result")
    await expect(result.get_by_test_id("pickup-verdict")).to_have_text("核销成功，请交付商品")
    await expect(result.get_by_test_id("pickup-item")).to_have_text("山西老陈醋 × 1")
    await expect(result.get_by_test_id("pickup-resident")).to_have_text(mask_name(f"居民{serial}"))
    await expect(result.get_by_test_id("pickup-order")).to_contain_text(order["id"][:8].upper())
    await expect(console.page.locator("#pickup-code")).to_have_value("")
    await expect(console.page.locator("#pickup-code")).to_be_focused()
    await console.check_a11y("pickup written off")
    await console.screenshot("pickup-done")

    seen = await call(scene.gw, "GET", f"/api/mall/orders/{order['id']}", 200, headers=me)
    assert seen["status"] == "fulfilled"

    console.allow_status("/api/mall/pickups", 409)
    await scan(console, code)
    await expect(result.get_by_test_id("pickup-verdict")).to_have_text("未核销：取货码已使用")
    await console.check_a11y("pickup refused")
    await console.screenshot("pickup-refused")

    # The order list and the order as the operator sees them.
    await console.go("/mall/orders")
    row = console.page.get_by_test_id(f"order-{order['id']}")
    await expect(row).to_be_visible()
    await console.check_a11y("orders")
    await console.screenshot("orders")
    await row.click()
    await expect(console.page.get_by_test_id("order-status")).to_have_text("已取货")
    await console.check_a11y("order detail")


async def test_counter_redemption_by_phone_and_id_tail_takes_the_price(
    open_console: OpenConsole, scene: Scene, shelf: Shelf, operator: str
):
    _, me, serial, phone = await resident(scene)
    console = await open_console("counter")
    await console.sign_in(operator, PASSWORD)
    await console.go("/mall/redeem")
    page = console.page
    await page.locator("#redeem-phone").fill(phone)
    await page.locator("#redeem-last4").fill(id_number(serial)[-4:].lower())
    await page.get_by_test_id("redeem-item").click()
    await page.get_by_role("option", name=f"山西老陈醋（{PRICE} 积分）").click()
    await expect(page.get_by_test_id("redeem-total")).to_have_text(str(PRICE))
    await console.check_a11y("counter redemption")
    await page.get_by_test_id("redeem-review").click()
    async with page.expect_response("**/api/mall/counter-redemptions"):
        await page.get_by_test_id("redeem-confirm-ok").click()

    outcome = page.get_by_test_id("redeem-outcome")
    await expect(outcome).to_be_visible()
    deadline = time.monotonic() + SETTLED_WITHIN
    while await page.get_by_test_id("redeem-retry").count():  # 202: points still answering
        assert time.monotonic() < deadline, await outcome.inner_text()
        async with page.expect_response("**/api/mall/counter-redemptions"):
            await page.get_by_test_id("redeem-retry").click()  # the same Idempotency-Key
    await expect(page.get_by_test_id("redeem-message")).to_have_text("兑换成功，请将商品交给居民")
    await expect(page.get_by_test_id("redeem-status")).to_have_text("已取货")
    await expect(page.get_by_test_id("redeem-resident")).to_have_text(mask_name(f"居民{serial}"))
    await console.check_a11y("counter redemption done")
    await console.screenshot("redeem-done")

    wallet = await account(scene.gw, me)
    while (wallet["balance"], wallet["held"]) != (FUNDS - PRICE, 0):
        assert time.monotonic() < deadline, wallet
        await asyncio.sleep(0.3)
        wallet = await account(scene.gw, me)


async def test_staff_keep_the_catalog_stock_and_reconciliation(
    console: ConsoleSession, scene: Scene, shelf: Shelf
):
    page = console.page
    await console.sign_in(scene.staff_phone, PASSWORD)

    await console.go("/mall/counters")
    await expect(page.get_by_test_id(f"counter-edit-{shelf.counter_id}")).to_be_visible()
    await console.check_a11y("counters")
    await page.get_by_test_id("counter-new").click()
    await page.locator("#counter-name").fill("文化站兑换点")
    await page.locator("#counter-address").fill("文化站一楼")
    await console.check_a11y("counter form")
    await page.get_by_test_id("counter-save").click()
    await expect(page.get_by_test_id("counters-table")).to_contain_text("文化站兑换点")
    await console.screenshot("counters")
    counters = await call(
        scene.gw,
        "GET",
        "/api/mall/counters",
        200,
        params={"community_id": scene.community_id},
        headers=scene.staff,
    )
    assert "文化站兑换点" in [c["name"] for c in counters["items"]]

    await console.go("/mall/items")
    await expect(page.get_by_test_id(f"item-edit-{shelf.item_id}")).to_be_visible()
    await console.check_a11y("items")
    await page.get_by_test_id(f"item-edit-{shelf.item_id}").click()
    await expect(page.locator("#item-name")).to_have_value("山西老陈醋")
    await console.check_a11y("item form")
    await page.locator("#item-image").set_input_files(
        files=FilePayload(name="vinegar.png", mimeType="image/png", buffer=tiny_png())
    )
    async with page.expect_response("**/image") as put:
        await page.get_by_test_id("item-save").click()
    assert (await put.value).status == 200
    await expect(page.get_by_test_id("item-dialog")).to_be_hidden()
    await console.screenshot("items")
    item = await call(scene.gw, "GET", f"/api/mall/items/{shelf.item_id}", 200, headers=scene.staff)
    assert item["image_url"], item

    before = await call(
        scene.gw, "GET", f"/api/mall/items/{shelf.item_id}", 200, headers=scene.staff
    )
    here = next(s["quantity"] for s in before["stock"] if s["counter_id"] == shelf.counter_id)
    await console.go(f"/mall/items/{shelf.item_id}")
    await page.locator("#stock-quantity").fill("5")
    await page.locator("#stock-note").fill("第二批到货")
    await page.get_by_test_id("stock-apply").click()
    await expect(page.get_by_test_id("moves-table")).to_contain_text("第二批到货")
    await console.check_a11y("item stock")
    await console.screenshot("item-stock")
    after = await call(
        scene.gw, "GET", f"/api/mall/items/{shelf.item_id}", 200, headers=scene.staff
    )
    assert (
        next(s["quantity"] for s in after["stock"] if s["counter_id"] == shelf.counter_id)
        == here + 5
    )

    await console.go("/mall/reconciliation")
    await expect(page.get_by_role("heading", name="对账", level=1)).to_be_visible()
    await page.get_by_test_id("counter-picker").click()
    await page.get_by_role("option", name="村委会兑换点").click()
    report = await call(
        scene.gw,
        "GET",
        "/api/mall/reports/reconciliation",
        200,
        params={"counter_id": shelf.counter_id},
        headers=scene.staff,
    )
    await expect(page.get_by_test_id("recon-settled")).to_have_text(str(report["points_settled"]))
    await expect(page.get_by_test_id("recon-table")).to_contain_text("山西老陈醋")
    await console.check_a11y("reconciliation")
    await console.screenshot("reconciliation")
    async with page.expect_download() as download:
        await page.get_by_test_id("export-xlsx").click()
    assert (await download.value).suggested_filename.endswith(".xlsx")


async def test_another_communitys_staff_see_none_of_it_and_cannot_write_it_off(
    open_console: OpenConsole, scene: Scene, shelf: Shelf
):
    _, me, _, _ = await resident(scene)
    order = await confirmed_order(scene, shelf, me)
    other = await prepare(scene.gw)

    console = await open_console("other")
    await console.sign_in(other.staff_phone, PASSWORD)
    await console.go("/mall/orders")
    await expect(console.page.get_by_test_id("orders-table")).to_contain_text("暂无订单")
    await expect(console.page.get_by_test_id(f"order-{order['id']}")).to_have_count(0)
    await console.check_a11y("orders of another community")

    await console.go("/mall/pickup")
    console.allow_status("/api/mall/pickups", 404)
    await scan(console, order["pickup_code"])
    verdict = console.page.get_by_test_id("pickup-verdict")
    await expect(verdict).to_have_text("未核销：取货码不存在")
    await console.screenshot("pickup-other-community")

    seen = await call(scene.gw, "GET", f"/api/mall/orders/{order['id']}", 200, headers=me)
    assert seen["status"] == "confirmed"
    others = await call(scene.gw, "GET", "/api/mall/orders", 200, headers=other.staff)
    assert order["id"] not in [o["id"] for o in others["items"]]

    # The community's own staff may cancel it (stock back, hold released), once.
    own = await open_console("own")
    await own.sign_in(scene.staff_phone, PASSWORD)
    await own.go(f"/mall/orders/{order['id']}")
    await expect(own.page.get_by_test_id("order-status")).to_have_text("待取货")
    await own.page.get_by_test_id("order-cancel").click()
    await own.check_a11y("cancel order")
    await own.page.get_by_test_id("order-cancel-ok").click()
    await expect(own.page.get_by_test_id("order-status")).to_have_text("已取消")
    await expect(own.page.get_by_test_id("order-cancel")).to_have_count(0)
    seen = await call(scene.gw, "GET", f"/api/mall/orders/{order['id']}", 200, headers=me)
    assert seen["status"] == "cancelled"
