"""村民说事 in the staff console: a verified resident raises a matter (API); the community's staff
open it in the workbench, accept it, report progress with a photo and resolve it with a public
reply; the API shows it resolved with that reply and the dashboard's count moves. Staff of
another community see none of it and are refused when they act on it."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from playwright.async_api import FilePayload, Locator, expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.scene import PASSWORD, Scene, fresh_id_serial, fresh_phone, prepare
from tests.e2e.tenants import id_number
from tests.e2e.test_petitions_flow import synced, verified_resident
from tests.unit.kit.images import png

# The test stack shares two cores with other runs: answers may take a while.
WAIT = 30_000
REPLY = "已联系环卫所清运，并增加东门垃圾桶两个，每日早晚各清运一次。"


async def environment(scene: Scene) -> str:
    """The scene community's 环境卫生 category."""
    body = {
        "community_id": scene.community_id,
        "name": "环境卫生",
        "service_code": f"env-{uuid.uuid4().hex[:8]}",
        "kind": "demand",
        "accept_within_hours": 48,
        "resolve_within_days": 7,
    }
    made = await scene.gw.post("/api/petitions/categories", json=body, headers=scene.staff)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def raised_with_photo(scene: Scene, me: dict[str, str], category: str, title: str) -> str:
    body = {
        "community_id": scene.community_id,
        "category_id": category,
        "title": title,
        "content": "东门垃圾桶满溢三天无人清运，气味很大，请尽快处理。",
        "location": {"address": "东门垃圾投放点", "lat": "31.209000", "long": "107.468000"},
        "visibility": "public",
    }
    made = await synced(lambda: scene.gw.post("/api/petitions", json=body, headers=me))
    assert made.status_code == 201, made.text
    pid = str(made.json()["id"])
    photo = {"file": ("bin.png", png(), "image/png")}
    sent = await scene.gw.post(f"/api/petitions/{pid}/attachments", files=photo, headers=me)
    assert sent.status_code == 201, sent.text
    return pid


async def resolved_count(console: ConsoleSession, community: str) -> int:
    cell = console.page.get_by_test_id(f"resolved-{community}")
    await expect(cell).to_have_text(re.compile(r"^\d+$"), timeout=WAIT)
    return int(await cell.inner_text())


async def choose(console: ConsoleSession, select: Locator, option: str) -> None:
    await select.click()
    await console.page.locator(".el-select-dropdown__item:visible", has_text=option).click()


async def act(console: ConsoleSession, action: str) -> Locator:
    await console.page.get_by_test_id(f"action-{action}").click()
    dialog = console.page.get_by_role("dialog")
    await expect(dialog).to_be_visible(timeout=WAIT)
    return dialog


async def send(console: ConsoleSession, dialog: Locator, status: str) -> None:
    await dialog.get_by_test_id("action-submit").click()
    await expect(dialog).to_be_hidden(timeout=WAIT)
    await expect(console.page.get_by_test_id("petition-status")).to_have_text(status, timeout=WAIT)


async def petition_as(scene: Scene, pid: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = await scene.gw.get(f"/api/petitions/{pid}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_staff_resolve_a_residents_petition_and_the_dashboard_moves(
    console: ConsoleSession, open_console: OpenConsole, scene: Scene
):
    started = time.monotonic()
    category = await environment(scene)
    _, me = await verified_resident(scene, fresh_phone(), "周秀兰", id_number(fresh_id_serial()))
    title = f"东门垃圾桶满溢{uuid.uuid4().hex[:4]}"
    pid = await raised_with_photo(scene, me, category, title)

    await console.sign_in(scene.staff_phone, PASSWORD)
    await console.go("/petitions/dashboard")
    before = await resolved_count(console, scene.community_id)
    chart = console.page.get_by_test_id("chart-status").locator("[role=img]")
    summary = f"各社区诉求按状态：{scene.community_name} 共 1 件（待受理 1）"
    await expect(chart).to_have_attribute("aria-label", summary, timeout=WAIT)
    await console.check_a11y("petitions dashboard")
    await console.screenshot("petitions-dashboard-before")

    await console.go("/petitions")
    row = console.page.get_by_test_id(f"open-{pid}")
    await expect(row).to_have_text(title, timeout=WAIT)
    await expect(console.page.locator("#tab-submitted")).to_have_text("待受理 (1)", timeout=WAIT)
    await console.check_a11y("petitions workbench")
    await console.screenshot("petitions-workbench")
    await row.click()
    await expect(console.page.get_by_test_id("petition-status")).to_have_text(
        "待受理", timeout=WAIT
    )
    await expect(console.page.get_by_test_id("petition-photo")).to_have_count(1, timeout=WAIT)
    await expect(console.page.get_by_test_id("petition-content")).to_contain_text(
        "东门垃圾桶满溢", timeout=WAIT
    )
    await console.check_a11y("petition case")
    await console.screenshot("petitions-case")

    dialog = await act(console, "accept")
    await choose(console, dialog.get_by_test_id("action-assignee"), "（本人）")
    await send(console, dialog, "已指派")
    await send(console, await act(console, "start"), "办理中")

    dialog = await act(console, "progress")
    await dialog.locator("#action-text").fill("已通知环卫所，今日下午清运。")
    photo: FilePayload = {"name": "site.png", "mimeType": "image/png", "buffer": png((8, 6))}
    await dialog.get_by_test_id("action-photo-input").set_input_files(files=[photo])
    await expect(dialog.get_by_test_id("photo-done")).to_have_count(1, timeout=WAIT)
    await console.check_a11y("petition progress dialog")
    await send(console, dialog, "办理中")
    await expect(console.page.get_by_test_id("entry-progress")).to_contain_text(
        "今日下午清运", timeout=WAIT
    )

    dialog = await act(console, "resolve")
    await dialog.locator("#action-text").fill(REPLY)
    await send(console, dialog, "已办结")
    await expect(console.page.get_by_test_id("entry-reply")).to_contain_text(REPLY, timeout=WAIT)
    await console.screenshot("petitions-case-resolved")

    # The API agrees, for staff and for the resident who raised it.
    for headers in (scene.staff, me):
        petition = await petition_as(scene, pid, headers)
        assert petition["status"] == "resolved"
        replies = [e for e in petition["timeline"] if e["kind"] == "reply"]
        assert [e["text"] for e in replies] == [REPLY]
        progress = [e for e in petition["timeline"] if e["kind"] == "progress"]
        assert len(progress) == 1 and len(progress[0]["attachment_ids"]) == 1

    await console.go("/petitions/dashboard")
    await expect(console.page.get_by_test_id(f"resolved-{scene.community_id}")).to_have_text(
        str(before + 1), timeout=WAIT
    )
    await console.check_a11y("petitions dashboard after")
    await console.screenshot("petitions-dashboard-after")

    # Another community's staff: nothing of it in their workbench, and refused when acting.
    other = await prepare(scene.gw)
    stranger = await open_console("other-community")
    await stranger.sign_in(other.staff_phone, PASSWORD)
    await stranger.go("/petitions")
    await expect(stranger.page.get_by_test_id("refresh")).to_be_enabled(timeout=WAIT)
    await expect(stranger.page.get_by_test_id("petitions-table")).to_contain_text(
        "暂无诉求", timeout=WAIT
    )
    await expect(stranger.page.get_by_test_id(f"open-{pid}")).to_have_count(0, timeout=WAIT)
    await stranger.check_a11y("petitions workbench, other community")
    await stranger.screenshot("petitions-workbench-other")
    refused = await scene.gw.post(
        f"/api/petitions/{pid}/actions/note", json={"text": "越权备注"}, headers=other.staff
    )
    assert refused.status_code == 404, refused.text
    stranger.allow_status(f"/api/petitions/{pid}", 404)
    await stranger.go(f"/petitions/{pid}")
    await expect(stranger.page.get_by_role("alert")).to_contain_text(
        "诉求不存在或无权查看", timeout=WAIT
    )
    await expect(stranger.page.get_by_test_id("action-note")).to_have_count(0, timeout=WAIT)
    print(f"console petitions journey: {time.monotonic() - started:.1f} s")
