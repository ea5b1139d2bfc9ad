"""村务公开 in the staff console, in a real browser: a community's staff write a finance notice
requiring acknowledgement (Markdown preview, the sheet's live totals) and publish it; a
resident acknowledges it through the API; the receipts screen shows them as acknowledged and
the others to follow up, and the XLSX export downloads. Staff of another community see none
of it."""

from __future__ import annotations

import asyncio
import io
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook
from playwright.async_api import FilePayload, expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.scene import PASSWORD, SHANGHAI, Scene, fresh_phone, prepare

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"  # a voucher scan, in short
SEEN_WITHIN = 30.0  # seconds for identity's events to reach notices' projection


async def _poll(probe: Any, what: str, within: float = SEEN_WITHIN) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.3)
    raise AssertionError(f"not within {within} s: {what}")


async def _residents(scene: Scene) -> tuple[dict[str, str], str]:
    """Two residents of the scene's community; the second heads a household of their own."""
    acker, other = fresh_phone(), fresh_phone()
    await scene.register(acker, "孙确认")
    other_id = await scene.register(other, "周待访")
    household = await scene.gw.post(
        "/api/identity/households", json={"head_id": other_id}, headers=scene.staff
    )
    assert household.status_code == 201, household.text
    return await scene.login(acker), other_id


async def _names(
    gw: httpx.AsyncClient, notice_id: str, headers: dict[str, str], state: str
) -> set[str]:
    answer = await gw.get(
        f"/api/notices/{notice_id}/receipts/people",
        params={"state": state, "limit": 200},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return {p["name"] for p in answer.json()["items"]}


async def _write_and_publish(console: ConsoleSession, title: str) -> str:
    page = console.page
    await console.go("/notices")
    await expect(page.get_by_test_id("notice-table")).to_be_visible()
    await console.check_a11y("notices list")
    await page.get_by_test_id("notice-new").click()
    await page.locator(".el-select", has=page.locator("#notice-category")).click()
    await page.get_by_role("option", name="财务公开").click()
    await page.locator("#notice-title").fill(title)
    await page.locator("#notice-body").fill("## 收支情况\n\n本季度收支如下，**请各户确认**。")
    await expect(page.get_by_test_id("notice-preview").locator("strong")).to_have_text("请各户确认")
    today = datetime.now(SHANGHAI).date().isoformat()
    await page.locator("#sheet-period").fill("本季度")
    await page.locator("#sheet-opening").fill("1000")
    line = page.get_by_test_id("sheet-line-0")
    await line.get_by_label("第1行日期").fill(today)
    await line.get_by_label("第1行日期").press("Enter")
    await line.get_by_label("第1行摘要").fill("集体土地租金")
    await line.get_by_label("第1行收入").fill("2500.50")
    await page.get_by_test_id("sheet-add-line").click()
    line = page.get_by_test_id("sheet-line-1")
    await line.get_by_label("第2行日期").fill(today)
    await line.get_by_label("第2行日期").press("Enter")
    await line.get_by_label("第2行摘要").fill("路灯维修")
    await line.get_by_label("第2行支出").fill("300.25")
    await expect(page.get_by_test_id("sheet-closing")).to_have_text("3,200.25")
    await page.locator("#sheet-stated-expense").fill("300.00")  # the ledger disagrees: said
    await expect(page.get_by_test_id("sheet-problem")).to_contain_text("支出合计与明细不符")
    await page.locator("#sheet-stated-expense").fill("300.25")
    await expect(page.get_by_test_id("sheet-problem")).to_have_count(0)
    await page.get_by_test_id("notice-require-ack").click()
    await console.check_a11y("notice editor")
    await page.get_by_test_id("notice-save").click()
    await page.wait_for_url(re.compile(r"#/notices/[0-9a-f-]{36}$"))
    await expect(page.get_by_test_id("notice-state")).to_have_text("草稿")
    notice_id = page.url.rsplit("/", 1)[-1]
    await page.get_by_test_id("attachment-input").set_input_files(
        files=[FilePayload(name="收支凭证.pdf", mimeType="application/pdf", buffer=PDF)]
    )
    await expect(page.get_by_test_id("notice-attachments")).to_contain_text("application/pdf")
    await console.screenshot("notice-editor")
    await page.get_by_test_id("notice-publish").click()
    await page.get_by_role("dialog").get_by_role("button", name="发布").click()
    await expect(page.get_by_test_id("notice-state")).to_have_text("已发布")
    return notice_id


async def test_staff_publish_a_notice_and_follow_up_who_has_not_acknowledged(
    console: ConsoleSession, open_console: OpenConsole, scene: Scene
):
    gw = scene.gw
    resident, _ = await _residents(scene)
    await console.sign_in(scene.staff_phone, PASSWORD)
    title = f"第四季度财务公开{time.monotonic_ns() % 10**6}"
    notice_id = await _write_and_publish(console, title)

    stored = (await gw.get(f"/api/notices/{notice_id}", headers=scene.staff)).json()
    assert stored["status"] == "published" and stored["require_ack"] is True
    assert stored["sheet"]["closing_balance_fen"] == 320025
    assert stored["sheet"]["total_expense_fen"] == 30025
    assert [a["content_type"] for a in stored["attachments"]] == ["application/pdf"]
    acked = await gw.post(f"/api/notices/{notice_id}/ack", json={}, headers=resident)
    assert acked.status_code == 200, acked.text
    await _poll(
        lambda: _names(gw, notice_id, scene.staff, "not_acked"),
        "the household head in the projection",
    )
    await _poll(
        lambda: _awaited_follow_up(gw, notice_id, scene.staff), "the household to follow up"
    )

    page = console.page
    await console.go(f"/notices/{notice_id}/receipts")
    people = page.get_by_test_id("receipts-people")
    await expect(people.get_by_role("row", name="孙确认")).to_contain_text("已确认")
    await expect(people.get_by_role("row", name="周待访")).to_contain_text("未读")
    await page.get_by_test_id("receipts-state").get_by_text("未确认（待跟进）").click()
    await expect(people.get_by_role("row", name="周待访")).to_be_visible()
    await expect(people.get_by_role("row", name="孙确认")).to_have_count(0)
    await page.get_by_role("tab", name="待跟进家庭户").click()
    await expect(page.get_by_test_id("receipts-follow-up")).to_contain_text("周待访")
    await console.check_a11y("notice receipts")
    await console.screenshot("notice-receipts")

    async with page.expect_download() as started:
        await page.get_by_test_id("receipts-export").click()
    download = await started.value
    content = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert content[:4] == b"PK\x03\x04", "an XLSX is a zip"
    book = load_workbook(io.BytesIO(content))
    rows = {r[0]: r[5] for r in book["居民名单"].iter_rows(min_row=2, values_only=True)}
    assert rows["孙确认"] == "已确认" and rows["周待访"] == "未读"

    await _another_community_sees_none_of_it(open_console, gw, notice_id, title)


async def _awaited_follow_up(gw: httpx.AsyncClient, notice_id: str, staff: dict[str, str]) -> bool:
    counts = (await gw.get(f"/api/notices/{notice_id}/receipts", headers=staff)).json()
    return any("周待访" in h["members"] for h in counts["households_not_acknowledged"])


async def _another_community_sees_none_of_it(
    open_console: OpenConsole, gw: httpx.AsyncClient, notice_id: str, title: str
) -> None:
    other = await prepare(gw)
    for path in ("", "/receipts", "/receipts/people", "/receipts.xlsx"):
        answer = await gw.get(f"/api/notices/{notice_id}{path}", headers=other.staff)
        assert answer.status_code == 404, (path, answer.status_code)
    stranger = await open_console("other")
    await stranger.sign_in(other.staff_phone, PASSWORD)
    await stranger.go("/notices")
    table = stranger.page.get_by_test_id("notice-table")
    await expect(table).to_be_visible()
    await expect(table.get_by_text(title)).to_have_count(0)
    stranger.allow_status(f"/api/notices/{notice_id}", 404)
    await stranger.go(f"/notices/{notice_id}/receipts")
    await expect(stranger.page.get_by_role("alert")).to_contain_text("不存在或无权访问")
    await expect(stranger.page.get_by_test_id("receipts-people")).not_to_contain_text("孙确认")
    await stranger.check_a11y("another community's receipts")
