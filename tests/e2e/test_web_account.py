"""A resident's account in a real browser on the whole platform: registering through the
town → community picker, real-name verification, points from a signed volunteer push on the
home screen; a wrong password, an SMS code, the elderly mode, a home with a service down."""

from __future__ import annotations

import asyncio
import re
import time

import asyncpg
from playwright.async_api import expect

from kit.db import asyncpg_dsn
from tests.e2e.browser import WebSession
from tests.e2e.platform import Platform
from tests.e2e.scene import PASSWORD, Scene, activity, fresh_phone

VALID_ID = "11010519491231002X"
CREDIT_WITHIN = 20.0  # seconds from the partner's 202 to the points in the resident's account


async def wait_available(scene: Scene, headers: dict[str, str], expected: int) -> None:
    """The push is applied asynchronously (Kafka → points): wait for the account to show it."""
    deadline = time.monotonic() + CREDIT_WITHIN
    while time.monotonic() < deadline:
        answer = await scene.gw.get("/api/points/accounts/me", headers=headers)
        if answer.status_code == 200 and answer.json()["available"] == expected:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{expected} points not available within {CREDIT_WITHIN} s")


async def last_sms_code(platform: Platform, phone: str) -> str:
    """In development identity keeps each SMS in its `sms_outbox` table instead of sending it."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.databases["identity"]))
    try:
        body = await conn.fetchval(
            "SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY created_at DESC LIMIT 1", phone
        )
    finally:
        await conn.close()
    assert body, f"no SMS for {phone}"
    return "".join(ch for ch in str(body) if ch.isdigit())[:6]


async def font_size(web: WebSession, testid: str) -> str:
    return str(await web.page.get_by_test_id(testid).evaluate("e => getComputedStyle(e).fontSize"))


async def test_a_new_resident_registers_is_verified_and_sees_pushed_points_on_home(
    web: WebSession, scene: Scene
) -> None:
    page, phone = web.page, fresh_phone()
    await web.open("pages/login/index")
    await web.check_a11y("login")
    await page.get_by_test_id("to-register").click()
    await page.wait_for_url(re.compile(r"#/pages/register/index"))
    await page.get_by_test_id("town").get_by_role("radio").first.wait_for()
    await web.check_a11y("register")
    await page.locator("[data-testid=phone] input").fill(phone)
    await page.locator("[data-testid=password] input").fill(PASSWORD)
    await page.locator("[data-testid=name] input").fill("周新民")
    await page.get_by_test_id("town").get_by_role("radio", name=scene.town_name, exact=True).click()
    await (
        page.get_by_test_id("community")
        .get_by_role("radio", name=scene.community_name, exact=True)
        .click()
    )
    await page.locator("uni-button", has_text="注册并登录").click()
    await expect(page.get_by_test_id("verify-hint")).to_contain_text("完成实名认证")

    await page.get_by_test_id("verify-hint").click()
    await page.locator("[data-testid=real-name] input").fill("周新民")
    await page.locator("[data-testid=id-number] input").fill(VALID_ID)
    await page.locator("uni-button", has_text="提交认证").click()
    await expect(page.get_by_test_id("masked-id")).to_have_text("110***********002X")
    await expect(page.get_by_test_id("status")).to_have_text("审核中")
    await web.check_a11y("verify")

    resident = await scene.login(phone)
    person = (await scene.gw.get("/api/identity/me", headers=resident)).json()
    assert person["community_id"] == scene.community_id
    approve = f"/api/identity/residents/{person['id']}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    # The award comes from the push; the resident's access token may still say unverified.
    accepted = await scene.push(activity(phone, community_id=scene.community_id))
    assert accepted.status_code == 202, accepted.text
    await wait_available(scene, resident, 5)

    await web.open("pages/home/index")  # as a resident would: open the app again
    await expect(page.get_by_test_id("available")).to_have_text("5")
    await expect(page.get_by_test_id("balance")).to_have_text("5")
    await expect(page.get_by_test_id("verify-hint")).to_have_count(0)
    await web.check_a11y("home")
    await web.open("pages/me/index")
    await expect(page.get_by_test_id("verification-label")).to_contain_text("已认证")
    await web.check_a11y("me")
    await web.open("pages/home/index")
    await expect(page.get_by_test_id("balance")).to_have_text("5")
    await web.screenshot("home-with-points")


async def test_a_wrong_password_is_told_on_the_page_and_signs_nobody_in(
    web: WebSession, scene: Scene
) -> None:
    page, phone = web.page, fresh_phone()
    await scene.register(phone, "吴二")
    await web.open("pages/login/index")
    await page.locator("uni-button", has_text="登录").first.click()
    await expect(page.get_by_test_id("phone-error")).to_have_text("请输入手机号")
    web.allow_status("/api/identity/auth/login", 401)
    await page.locator("[data-testid=phone] input").fill(phone)
    await page.locator("[data-testid=password] input").fill("not-the-password")
    await page.locator("uni-button", has_text="登录").first.click()
    await expect(page.get_by_role("alert")).to_have_text("手机号或密码错误")
    assert "#/pages/login/index" in page.url
    assert await page.evaluate("localStorage.getItem('sz.tokens')") is None
    await web.sign_in(phone, PASSWORD)
    await web.screenshot("signed-in-after-wrong-password")


async def test_a_resident_signs_in_with_the_sms_code(
    web: WebSession, scene: Scene, platform: Platform
) -> None:
    page, phone = web.page, fresh_phone()
    await scene.register(phone, "郑三")
    await web.open("pages/login/index")
    await page.get_by_test_id("mode-sms").click()
    await page.locator("[data-testid=phone] input").fill(phone)
    await page.locator("uni-button", has_text="获取验证码").click()
    await expect(page.locator("uni-button", has_text="秒后重发")).to_be_visible()
    await page.locator("[data-testid=sms-code] input").fill(await last_sms_code(platform, phone))
    await page.locator("uni-button", has_text="登录").first.click()
    await expect(page.get_by_test_id("wallet")).to_contain_text("郑三")
    await web.screenshot("signed-in-by-sms")


async def test_the_elderly_mode_switched_on_me_enlarges_the_home_screen(
    web: WebSession, scene: Scene
) -> None:
    page, phone = web.page, fresh_phone()
    await scene.register(phone, "王四")
    await web.sign_in(phone, PASSWORD)
    await expect(page.get_by_test_id("balance")).to_be_visible()
    normal = await font_size(web, "entries")
    await page.locator(".uni-tabbar__item", has_text="我的").click()
    await page.get_by_test_id("elderly").click()
    await page.locator(".uni-tabbar__item", has_text="首页").click()
    await expect(page.get_by_test_id("balance")).to_be_visible()
    elderly = await font_size(web, "entries")
    assert (normal, elderly) == ("15px", "20px")
    await web.screenshot("home-elderly")


async def test_home_stays_quiet_when_notices_is_down(
    web: WebSession, scene: Scene, platform: Platform
) -> None:
    page, phone = web.page, fresh_phone()
    await scene.register(phone, "冯五")
    await web.sign_in(phone, PASSWORD)
    await expect(page.get_by_test_id("inbox-link")).to_be_visible()
    # Stopped gracefully (it leaves its consumer group at once): the platform is shared with
    # the modules after this one, which need notices back and consuming without a rebalance wait.
    await platform.children["notices"].stop()
    try:
        headers = await scene.login(phone)
        answer = (await scene.gw.get("/api/me/home", headers=headers)).json()
        assert {"inbox_unread", "pinned_notices"} <= set(answer["degraded"])
        await web.open("pages/home/index")
        await expect(page.get_by_test_id("inbox-quiet")).to_have_text("暂时无法显示")
        await expect(page.get_by_test_id("notices-quiet")).to_have_text("暂时无法显示")
        await expect(page.get_by_test_id("available")).to_have_text("0")
        await expect(page.get_by_role("alert")).to_have_count(0)
        await web.screenshot("home-notices-down")
    finally:
        await platform.start("notices")
