"""The residents' console screens in a real browser: community staff review real-name
verifications, list residents and keep households; a community admin grants and revokes staff
roles; a district admin issues a partner's API key, seen once, and revokes it; and the staff
of another community see none of it and cannot act on it."""

from __future__ import annotations

import asyncio
import time

from playwright.async_api import expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.console_residents import me, pending_resident, pick_option, pick_person
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE
from tests.e2e.scene import PASSWORD, Scene, activity, fresh_phone, prepare

REASON = "身份证号与姓名不符，请核对后重新提交"


async def test_staff_approve_one_verification_and_reject_another(
    console: ConsoleSession, scene: Scene
):
    approved, approved_phone = await pending_resident(scene, "小周", "周晓明")
    rejected, rejected_phone = await pending_resident(scene, "小吴", "吴建华")
    await console.sign_in(scene.staff_phone, PASSWORD)
    await console.go("/residents/verifications")
    page = console.page
    table = page.get_by_test_id("verification-table")
    await expect(table.get_by_text("周晓明")).to_be_visible()
    await expect(
        table.get_by_text(f"{approved_phone[:3]}****{approved_phone[-4:]}")
    ).to_be_visible()
    await expect(table.get_by_text("110***********")).to_have_count(2)
    await console.check_a11y("verification queue")
    await console.screenshot("verification-queue")

    await page.get_by_test_id(f"approve-{approved}").click()
    await page.get_by_role("dialog", name="通过实名认证").get_by_role("button", name="通过").click()
    await expect(page.get_by_test_id(f"approve-{approved}")).to_have_count(0)
    assert (await me(scene, approved_phone))["verification_status"] == "verified"
    assert (await me(scene, approved_phone))["name"] == "周晓明"

    await page.get_by_test_id(f"reject-{rejected}").click()
    await page.get_by_test_id("reject-confirm").click()  # no reason yet: said on the field
    await expect(page.get_by_text("请填写不通过的理由")).to_be_visible()
    await page.get_by_test_id("reject-reason").fill(REASON)
    await console.check_a11y("reject dialog")
    await console.screenshot("verification-reject")
    await page.get_by_test_id("reject-confirm").click()
    await expect(page.get_by_test_id(f"reject-{rejected}")).to_have_count(0)
    refused = await me(scene, rejected_phone)
    assert refused["verification_status"] == "rejected"
    assert refused["rejection_reason"] == REASON

    await console.go("/residents")
    await page.get_by_test_id("resident-search").fill(approved_phone[-6:])
    await page.get_by_test_id("resident-search-go").click()
    rows = page.get_by_test_id("resident-table").locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("已认证")
    await expect(rows.first).to_contain_text(approved_phone[-4:])
    await expect(rows.first).not_to_contain_text(approved_phone)
    await console.check_a11y("residents list")
    await console.screenshot("residents")


async def test_staff_found_a_household_and_change_its_members(
    console: ConsoleSession, scene: Scene
):
    head_phone, member_phone = fresh_phone(), fresh_phone()
    head = await scene.register(head_phone, "郑大成")
    member = await scene.register(member_phone, "钱小丽")
    await console.sign_in(scene.staff_phone, PASSWORD)
    await console.go("/households")
    page = console.page
    await page.get_by_test_id("household-create").click()
    await pick_person(page, "household-head", head_phone)
    address = f"小北街{head_phone[-4:]}号"
    await page.get_by_test_id("household-address").fill(address)
    await console.check_a11y("household create")
    await page.get_by_test_id("household-create-confirm").click()
    drawer = page.get_by_role("dialog", name="家庭户成员")
    await expect(drawer.get_by_text("户主", exact=True)).to_be_visible()
    await pick_person(page, "member-add", member_phone)
    await page.get_by_test_id("member-add-confirm").click()
    await expect(page.get_by_test_id(f"member-remove-{member}")).to_be_visible()
    household = (await me(scene, member_phone))["household_id"]
    assert household and household == (await me(scene, head_phone))["household_id"]
    await console.check_a11y("household members")
    await console.screenshot("household-members")
    # The member becomes the head; the old head, now a member, moves out.
    await page.get_by_test_id(f"member-head-{member}").click()
    await expect(page.get_by_test_id(f"member-head-{head}")).to_be_visible()
    read = await scene.gw.get(f"/api/identity/households/{household}", headers=scene.staff)
    assert read.json()["head_id"] == member
    await page.get_by_test_id(f"member-remove-{head}").click()
    await page.get_by_role("dialog", name="移出成员").get_by_role("button", name="移出").click()
    await expect(page.get_by_test_id(f"member-remove-{head}")).to_have_count(0)
    assert (await me(scene, head_phone))["household_id"] is None
    await drawer.get_by_role("button", name="关闭此对话框").click()
    await expect(drawer).to_be_hidden()
    await page.mouse.move(600, 400)  # off the header's 退出, under the close button (hovered)
    row = page.get_by_test_id("household-table").locator("tbody tr", has_text=address)
    await expect(row).to_contain_text("钱*丽")
    await console.check_a11y("households")
    await console.screenshot("households")


async def test_a_community_admin_grants_and_revokes_a_staff_role(
    console: ConsoleSession, scene: Scene
):
    admin = await scene.login(ADMIN_PHONE, ADMIN_PASSWORD)
    chief_phone, clerk_phone = fresh_phone("139"), fresh_phone()
    chief = await scene.register(chief_phone, "王建国")
    clerk = await scene.register(clerk_phone, "张丽")
    grant = {"person_id": chief, "role": "community_admin", "unit_id": scene.community_id}
    made = await scene.gw.post("/api/identity/staff-roles", json=grant, headers=admin)
    assert made.status_code == 201, made.text
    await console.sign_in(chief_phone, PASSWORD)
    await console.go("/staff-roles")
    page = console.page
    table = page.get_by_test_id("grant-table")
    await expect(table.get_by_text("社区工作人员")).to_be_visible()  # the scene's staff member
    await page.get_by_test_id("grant-open").click()
    await pick_option(page, "grant-role", "兑换点操作员")
    # A community admin is offered the staff roles only.
    await page.get_by_test_id("grant-role").click()
    await expect(page.get_by_role("option", name="社区管理员")).to_have_count(0)
    await page.keyboard.press("Escape")
    await pick_person(page, "grant-person", clerk_phone)
    await console.check_a11y("grant dialog")
    await console.screenshot("staff-grant")
    await page.get_by_test_id("grant-confirm").click()
    row = table.locator("tbody tr", has_text="张丽")
    await expect(row).to_contain_text("兑换点操作员")
    listed = await _grants(scene, await scene.login(chief_phone))
    [granted] = [g for g in listed if g["person_id"] == clerk]
    assert granted["role"] == "counter_operator"
    await console.check_a11y("staff roles")
    await console.screenshot("staff-roles")
    await page.get_by_test_id(f"revoke-{granted['id']}").click()
    await page.get_by_role("dialog", name="撤销角色").get_by_role("button", name="撤销").click()
    await expect(row).to_have_count(0)
    assert not [g for g in await _grants(scene, admin) if g["person_id"] == clerk]
    await _disable_and_enable(console, scene, clerk, clerk_phone)


async def _disable_and_enable(
    console: ConsoleSession, scene: Scene, person: str, phone: str
) -> None:
    """The admin disables the person from the residents' list with a reason, then enables them."""
    page = console.page
    await console.go("/residents")
    await page.get_by_test_id(f"disable-{person}").click()
    dialog = page.get_by_role("dialog", name="停用账号")
    await dialog.get_by_role("textbox").fill("已搬离本社区")
    await dialog.get_by_role("button", name="停用").click()
    row = page.get_by_test_id("resident-table").locator("tbody tr", has_text="张丽")
    await expect(row).to_contain_text("已停用")
    login = {"phone": phone, "password": PASSWORD}
    assert (await scene.gw.post("/api/identity/auth/login", json=login)).status_code == 403
    await console.check_a11y("residents with a disabled account")
    await page.get_by_test_id(f"enable-{person}").click()
    await page.get_by_role("dialog", name="启用账号").get_by_role("button", name="启用").click()
    await expect(row).not_to_contain_text("已停用")
    assert (await scene.gw.post("/api/identity/auth/login", json=login)).status_code == 200


async def _grants(scene: Scene, headers: dict[str, str]) -> list[dict[str, str]]:
    path = f"/api/identity/staff-roles?unit_id={scene.community_id}&limit=100"
    answer = await scene.gw.get(path, headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def test_a_district_admin_issues_a_partner_key_shown_once_and_revokes_it(
    console: ConsoleSession, scene: Scene
):
    admin = await scene.login(ADMIN_PHONE, ADMIN_PASSWORD)
    await console.sign_in(ADMIN_PHONE, ADMIN_PASSWORD)
    await console.go("/partners")
    page = console.page
    name = f"志愿服务平台{fresh_phone()[-6:]}"
    await page.get_by_test_id("partner-register").click()
    await page.get_by_test_id("partner-name").fill(name)
    await page.get_by_test_id("partner-register-confirm").click()
    once = page.get_by_test_id("secret-once")
    await expect(once).to_contain_text("只显示这一次")
    secret = await page.get_by_test_id("secret-value").input_value()
    assert secret.startswith("pss_")
    await page.get_by_test_id("secret-saved").click()
    await expect(once).to_be_hidden()
    partners = (await scene.gw.get("/api/identity/partners", headers=admin)).json()
    [partner] = [p["partner_id"] for p in partners if p["name"] == name]
    await expect(page.get_by_test_id("partner-table")).to_contain_text(name)
    await expect(page.get_by_test_id("partner-table")).not_to_contain_text(secret)
    await console.check_a11y("partners")
    await console.screenshot("partners")

    await page.get_by_test_id(f"partner-keys-{partner}").click()
    await page.get_by_test_id("api-key-name").fill("Open311 接入")
    await page.get_by_test_id("api-key-issue").click()
    await expect(once).to_contain_text("API 密钥只显示这一次")
    key = await page.get_by_test_id("secret-value").input_value()
    assert key.startswith("o311_")
    await console.check_a11y("api key shown once")
    await console.screenshot("partner-key-once")
    await page.get_by_test_id("secret-saved").click()
    await expect(once).to_be_hidden()
    keys_path = f"/api/identity/partners/{partner}/api-keys"
    [issued] = (await scene.gw.get(keys_path, headers=admin)).json()
    assert issued["name"] == "Open311 接入" and issued["revoked_at"] is None
    assert key not in (await scene.gw.get(keys_path, headers=admin)).text
    status = page.get_by_test_id(f"api-key-status-{issued['key_id']}")
    await expect(status).to_have_text("有效")
    await expect(page.get_by_test_id("api-key-table")).not_to_contain_text(key)
    await console.check_a11y("api keys")
    await console.screenshot("partner-keys")
    await page.get_by_test_id(f"api-key-revoke-{issued['key_id']}").click()
    await (
        page.get_by_role("dialog", name="撤销 API 密钥").get_by_role("button", name="撤销").click()
    )
    await expect(status).to_contain_text("已撤销")
    [revoked] = (await scene.gw.get(keys_path, headers=admin)).json()
    assert revoked["revoked_at"] is not None
    await (
        page.get_by_role("dialog", name=f"{name} · API 密钥")
        .get_by_role("button", name="关闭此对话框")
        .click()
    )

    # A new signing secret, shown once; the old one still verifies through the grace period.
    await page.get_by_test_id(f"partner-rotate-{partner}").click()
    await page.get_by_role("dialog", name="轮换签名密钥").get_by_role("button", name="轮换").click()
    await expect(once).to_contain_text("旧密钥")
    rotated = await page.get_by_test_id("secret-value").input_value()
    assert rotated.startswith("pss_") and rotated != secret
    await page.get_by_test_id("secret-saved").click()
    await expect(once).to_be_hidden()
    await _until_push(scene, partner, rotated, 202)
    await _until_push(scene, partner, secret, 202)
    await page.get_by_test_id(f"partner-disable-{partner}").click()
    await page.get_by_role("dialog", name="停用合作平台").get_by_role("button", name="停用").click()
    row = page.get_by_test_id("partner-table").locator("tbody tr", has_text=name)
    await expect(row).to_contain_text("已停用")
    await _until_push(scene, partner, rotated, 401)


async def _until_push(scene: Scene, partner: str, secret: str, status: int) -> None:
    """Push one activity signed so until the gateway answers `status` (its secrets cache
    lives two seconds), within a deadline."""
    deadline = time.monotonic() + 15
    while True:
        event = activity(fresh_phone(), community_id=scene.community_id)
        answer = await scene.push(event, partner=partner, secret=secret)
        if answer.status_code == status:
            return
        assert time.monotonic() < deadline, (status, answer.status_code, answer.text)
        await asyncio.sleep(0.5)


async def test_staff_of_another_community_see_none_of_it(open_console: OpenConsole, scene: Scene):
    waiting, waiting_phone = await pending_resident(scene, "小孙", "孙立新")
    other = await prepare(scene.gw)
    console = await open_console("other")
    await console.sign_in(other.staff_phone, PASSWORD)
    page = console.page
    await console.go("/residents/verifications")
    await expect(page.get_by_test_id("verification-table")).to_contain_text("没有待审核的实名认证")
    await expect(page.get_by_test_id(f"approve-{waiting}")).to_have_count(0)
    await console.check_a11y("verification queue, other community")
    await console.screenshot("verification-other")
    await console.go("/residents")
    await page.get_by_test_id("resident-search").fill(waiting_phone[-6:])
    await page.get_by_test_id("resident-search-go").click()
    await expect(page.get_by_test_id("resident-table")).to_contain_text("没有符合条件的居民")
    await console.go("/households")
    await expect(page.get_by_test_id("household-table")).to_contain_text("本社区还没有家庭户")
    # Straight at the API, the other community's staff cannot approve or list ours.
    approve = f"/api/identity/residents/{waiting}/verification/approve"
    refused = await scene.gw.post(approve, json={}, headers=other.staff)
    assert refused.status_code == 404, refused.text
    ours = f"/api/identity/residents?community_id={scene.community_id}"
    assert (await scene.gw.get(ours, headers=other.staff)).status_code == 404
    households = f"/api/identity/households?community_id={scene.community_id}"
    assert (await scene.gw.get(households, headers=other.staff)).status_code == 404
    still = await scene.gw.get(
        f"/api/identity/residents?community_id={scene.community_id}&status=pending",
        headers=scene.staff,
    )
    assert waiting in {r["id"] for r in still.json()["items"]}
