"""The staff console's frame in a real browser: staff sign in and see the menus their roles on
their unit open; a resident is refused; a wrong password is said on the form."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.scene import PASSWORD, Scene, fresh_phone


async def test_staff_sign_in_to_their_menus_and_sign_out(console: ConsoleSession, scene: Scene):
    await console.open("login")
    await console.check_a11y("login")
    staff_phone = scene.staff_phone
    await console.sign_in(staff_phone, PASSWORD)
    await expect(console.page.get_by_test_id("unit-name")).to_have_text(scene.community_name)
    menu = console.page.get_by_role("navigation", name="功能菜单")
    await expect(menu.get_by_text("实名审核")).to_be_visible()
    await expect(menu.get_by_text("积分清单")).to_be_visible()
    # Staff, not administrators: no staff roles screen, no partners' keys.
    await expect(menu.get_by_text("工作人员", exact=True)).to_have_count(0)
    await expect(menu.get_by_text("志愿平台密钥")).to_have_count(0)
    await console.check_a11y("home")
    await console.screenshot("home")
    await console.page.get_by_test_id("sign-out").click()
    await console.page.wait_for_url("**/console/#/login*")


async def test_a_resident_and_a_wrong_password_are_refused(open_console: OpenConsole, scene: Scene):
    console = await open_console("resident")
    phone = fresh_phone()
    await scene.register(phone, "赵德明")
    await console.open("login")
    await console.page.locator("#login-phone").fill(phone)
    await console.page.locator("#login-password").fill(PASSWORD)
    await console.page.get_by_test_id("sign-in").click()
    await expect(console.page.get_by_role("alert")).to_contain_text("没有工作人员权限")
    console.allow_status("/api/identity/auth/login", 401)
    await console.page.locator("#login-password").fill("wrong-password-1")
    await console.page.get_by_test_id("sign-in").click()
    await expect(console.page.get_by_role("alert")).not_to_contain_text("没有工作人员权限")
    await console.check_a11y("login refused")
