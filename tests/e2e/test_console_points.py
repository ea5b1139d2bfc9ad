"""The console's points screens in a real browser: a community admin edits the points list,
reviews the diff and publishes it for today, and the next volunteer push is scored by the new
version; an adjustment, a reversal and a claim's review go through the console and are
checked through the API; a staff member of another community sees and can do none of it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.console import ConsoleSession, OpenConsole
from tests.e2e.console_points import (
    account,
    community_admin,
    eventually,
    evidence_photo,
    fill_number,
    find_resident,
    open_screen,
    pick,
    postings,
    push_now,
    unmatched_of,
    verified_resident,
)
from tests.e2e.scene import PASSWORD, SHANGHAI, Scene, fresh_phone, prepare

WRITE = 20_000  # ms for the screen to show what a write answered (two cores, many stacks)


async def test_admin_publishes_a_list_version_that_scores_the_next_push(
    console: ConsoleSession, open_console: OpenConsole, scene: Scene
):
    today = datetime.now(SHANGHAI).date().isoformat()
    kind = f"垃圾分类{fresh_phone()[-4:]}"
    admin_phone = await community_admin(scene, "王建国")
    resident, phone, me = await verified_resident(scene, "周志愿")
    # A kind no list version knows: parked for staff to map (below, in the console).
    snow = f"扫雪除冰{fresh_phone()[-4:]}"
    assert (await scene.push(push_now(phone, snow, scene.community_id))).status_code == 202
    parked = await eventually(lambda: unmatched_of(scene, snow), "the unknown kind parked")

    await console.sign_in(admin_phone, PASSWORD)
    await publish_through_console(console, kind, today)
    shown = (await scene.gw.get(f"/api/points/communities/{scene.community_id}/rules")).json()
    assert (shown["version"], shown["effective_from"]) == (2, today)
    assert {i["code"]: i["points"] for i in shown["items"]}["VOL-ENV"] == 7

    # Both pushes are scored by version 2: the new item and the changed points value.
    pushes = [push_now(phone, k, scene.community_id) for k in (kind, "环境整治")]
    for push in pushes:
        assert (await scene.push(push)).status_code == 202
    scored = await eventually(lambda: _scored(scene, resident, pushes), "both pushes scored")
    assert scored == [("GARBAGE", 6), ("VOL-ENV", 7)]
    await map_through_console(console, scene, resident, parked, snow)

    posting = await adjust_through_console(console.page, scene, resident)
    await reverse_through_console(console, scene, resident, posting)
    claim = await claim_reviewed_through_console(console, scene, me)
    await objection_dismissed_through_console(console, scene, claim)
    await open_screen(console.page, "/points/red-lists")
    await expect(console.page.get_by_test_id("red-list")).to_contain_text("周*愿")
    await console.check_a11y("points red lists")
    await console.screenshot("red-lists")

    await outsider_sees_nothing(open_console, scene, resident, claim)


async def publish_through_console(console: ConsoleSession, kind: str, today: str) -> None:
    page = console.page
    await open_screen(console.page, "/points/rules")
    await expect(page.get_by_test_id("in-force")).to_contain_text("第 1 版")
    await expect(page.get_by_test_id("draft-items")).to_contain_text("VOL-ENV")
    await console.check_a11y("points rules")
    # Change a points value...
    await page.get_by_test_id("edit-VOL-ENV").click()
    await fill_number(page, "#item-points", 7)
    await page.get_by_test_id("item-save").click()
    # ...and add an item for a new volunteer activity kind, claimable too.
    await page.get_by_test_id("add-item").click()
    await page.locator("#item-code").fill("GARBAGE")
    await page.locator("#item-name").fill("垃圾分类督导")
    await page.locator("#item-category").fill("志愿服务")
    await fill_number(page, "#item-points", 6)
    await page.get_by_test_id("add-trigger").click()
    await page.get_by_test_id("trigger-kind-0").fill(kind)
    await page.get_by_test_id("item-claimable").click()
    await console.check_a11y("points item dialog")
    await console.screenshot("points-item")
    await page.get_by_test_id("item-save").click()
    await expect(page.get_by_test_id("item-dialog")).to_be_hidden()
    await expect(page.get_by_test_id("draft-items")).to_contain_text("垃圾分类督导")
    # Today, not the default tomorrow: the pushes below are scored by it at once.
    date = page.locator("#effective-from")
    await date.fill(today)
    await date.press("Enter")
    await expect(date).to_have_value(today)
    await page.get_by_test_id("review-diff").click()
    diff = page.get_by_test_id("diff-dialog")
    await expect(diff.get_by_test_id("diff-summary")).to_contain_text(
        "新增 1 项，删除 0 项，修改 1 项"
    )
    await expect(diff.get_by_test_id("diff-added")).to_contain_text("GARBAGE")
    changed = diff.get_by_test_id("diff-changed-VOL-ENV")
    await expect(changed).to_contain_text("+5 分/次")
    await expect(changed).to_contain_text("+7 分/次")
    await console.check_a11y("points diff")
    await console.screenshot("points-diff")
    await diff.get_by_test_id("confirm-publish").click()
    await expect(page.get_by_test_id("in-force")).to_contain_text("第 2 版", timeout=WRITE)
    await expect(page.get_by_test_id("versions")).to_contain_text("已发布")
    await console.screenshot("points-rules")


async def _scored(
    scene: Scene, resident: str, pushes: list[dict[str, Any]]
) -> list[tuple[str, int]] | None:
    """(item, points) of each push once all are posted (a posting's source id starts with its
    push's event id)."""
    found = {p["source_id"].split(":")[0]: p for p in await postings(scene, resident)}
    posted = [found.get(push["id"]) for push in pushes]
    return [(p["item_code"], p["score_delta"]) for p in posted if p] if all(posted) else None


async def map_through_console(
    console: ConsoleSession, scene: Scene, resident: str, parked: str, kind: str
) -> None:
    """Staff map the parked kind to an item: the volunteer is awarded by it."""
    page = console.page
    before = (await account(scene, resident))["balance"]
    await open_screen(console.page, "/points/unmatched")
    await expect(page.get_by_test_id("unmatched")).to_contain_text(kind)
    await console.check_a11y("points unmatched")
    await console.screenshot("unmatched")
    await page.get_by_test_id(f"map-{parked}").click()
    dialog = page.get_by_test_id("unmatched-dialog")
    await pick(page, "unmatched-item", "环境整治志愿服务")
    await expect(dialog.get_by_test_id("unmatched-item")).to_contain_text("环境整治志愿服务")
    await dialog.get_by_test_id("unmatched-submit").click()
    try:
        await expect(dialog).to_be_hidden(timeout=WRITE)
    except AssertionError:
        await console.screenshot("unmatched-refused")
        raise AssertionError(f"mapping refused: {await dialog.inner_text()}") from None
    await expect(page.get_by_test_id("unmatched")).not_to_contain_text(kind)
    assert await unmatched_of(scene, kind) is None
    newest = (await postings(scene, resident))[0]
    assert (newest["item_code"], newest["score_delta"]) == ("VOL-ENV", 7)
    assert (await account(scene, resident))["balance"] == before + 7


async def adjust_through_console(page: Page, scene: Scene, resident: str) -> dict[str, Any]:
    before = (await account(scene, resident))["balance"]
    await open_screen(page, "/points/adjustments")
    await find_resident(page, "周志愿")
    await pick(page, "adjust-item", "建议被采纳")
    await fill_number(page, "#adjust-amount", 3)
    await page.locator("#adjust-reason").fill("补记社区议事会建议")
    await page.get_by_test_id("adjust-submit").click()
    await expect(page.get_by_test_id("result-delta")).to_have_text("+3", timeout=WRITE)
    await expect(page.get_by_test_id("result-balance")).to_have_text(str(before + 3))
    newest = (await postings(scene, resident))[0]
    assert (newest["kind"], newest["score_delta"]) == ("adjustment", 3)
    assert (newest["reason"], newest["item_code"]) == ("补记社区议事会建议", "ADOPTED")
    assert (await account(scene, resident))["balance"] == before + 3
    return dict(newest)


async def reverse_through_console(
    console: ConsoleSession, scene: Scene, resident: str, posting: dict[str, Any]
) -> None:
    await console.check_a11y("points adjustments")
    await console.screenshot("adjustments")
    page = console.page
    before = (await account(scene, resident))["balance"]
    await open_screen(console.page, "/points/reversals")
    await find_resident(page, "周志愿")
    await expect(page.get_by_test_id("postings")).to_contain_text("补记社区议事会建议")
    await console.check_a11y("points reversals")
    await page.get_by_test_id(f"reverse-{posting['id']}").click()
    dialog = page.get_by_test_id("reversal-dialog")
    await dialog.get_by_test_id("reversal-submit").click()
    await expect(dialog).to_contain_text("请填写理由")  # nothing is sent without a reason
    await page.locator("#reversal-reason").fill("重复录入")
    await dialog.get_by_test_id("reversal-confirm").click()
    await dialog.get_by_test_id("reversal-submit").click()
    await expect(dialog).to_be_hidden(timeout=WRITE)
    await expect(page.get_by_test_id("postings").locator("tbody tr").first).to_contain_text(
        "重复录入"
    )
    await console.screenshot("reversals")
    newest = (await postings(scene, resident))[0]
    assert (newest["kind"], newest["score_delta"], newest["reason"]) == ("reversal", -3, "重复录入")
    assert (await account(scene, resident))["balance"] == before - 3


async def claim_reviewed_through_console(
    console: ConsoleSession, scene: Scene, me: dict[str, str]
) -> str:
    body = {
        "item_code": "GARBAGE",
        "occurred_on": datetime.now(SHANGHAI).date().isoformat(),
        "description": "周末在小区门口督导垃圾分类两小时",
        "evidence": [await evidence_photo(scene, me)],
    }
    sent = await scene.gw.post("/api/points/claims", json=body, headers=me)
    assert sent.status_code == 201, sent.text
    claim = str(sent.json()["id"])
    page = console.page
    await open_screen(console.page, "/points/claims")
    await expect(page.get_by_test_id("claims")).to_contain_text("周志愿")
    await console.check_a11y("points claims")
    await page.get_by_test_id(f"claim-{claim}").click()
    drawer = page.get_by_test_id("claim-drawer")
    await expect(drawer).to_contain_text("督导垃圾分类")
    # The photo is read with the staff token and shown from a blob URL.
    photo = drawer.get_by_test_id("evidence").locator("img")
    await expect(photo).to_have_attribute("src", re.compile(r"^blob:"))
    assert await photo.evaluate("(img) => img.complete && img.naturalWidth") == 64
    await console.check_a11y("points claim drawer")
    await console.screenshot("claim")
    await drawer.get_by_test_id("approve").click()
    await expect(drawer).to_contain_text("公示中", timeout=WRITE)
    listed = await scene.gw.get(
        "/api/points/claims",
        params={"community_id": scene.community_id, "status": "publicity"},
        headers=scene.staff,
    )
    assert claim in [c["id"] for c in listed.json()["items"]]
    await page.keyboard.press("Escape")
    return claim


async def objection_dismissed_through_console(
    console: ConsoleSession, scene: Scene, claim: str
) -> None:
    """A neighbour objects to the claim under notice (API); staff find it on the publicity
    screen and dismiss it: the claim stays under notice."""
    _, _, neighbour = await verified_resident(scene, "吴邻居")
    path = f"/api/points/claims/{claim}/objections"
    sent = await scene.gw.post(path, json={"reason": "那天没见到他督导"}, headers=neighbour)
    assert sent.status_code == 201, sent.text
    objection = str(sent.json()["id"])
    page = console.page
    await open_screen(page, "/points/publicity")
    await expect(page.get_by_test_id("publicity-board")).to_contain_text("周*愿")
    await expect(page.get_by_test_id("publicity-claims")).to_contain_text("1 条待处理")
    await console.check_a11y("points publicity")
    await console.screenshot("publicity")
    await page.get_by_test_id(f"publicity-claim-{claim}").click()
    drawer = page.get_by_test_id("claim-drawer")
    await expect(drawer).to_contain_text("那天没见到他督导")
    await drawer.get_by_test_id(f"dismiss-{objection}").click()
    await expect(drawer.get_by_test_id(f"dismiss-{objection}")).to_have_count(0, timeout=WRITE)
    await expect(drawer.get_by_test_id(f"objection-{objection}")).to_contain_text("· 异议不成立")
    listed = await scene.gw.get(
        "/api/points/claims", params={"community_id": scene.community_id}, headers=scene.staff
    )
    found = next(c for c in listed.json()["items"] if c["id"] == claim)
    assert found["status"] == "publicity"
    assert [o["status"] for o in found["objections"]] == ["dismissed"]
    await page.keyboard.press("Escape")


async def outsider_sees_nothing(
    open_console: OpenConsole, scene: Scene, resident: str, claim: str
) -> None:
    other = await prepare(scene.gw)
    console = await open_console("other")
    await console.sign_in(other.staff_phone, PASSWORD)
    for path in ("/points/claims", "/points/unmatched", "/points/rules"):
        await open_screen(console.page, path)
        await expect(console.page.locator(".el-table").first).to_be_visible()
        await expect(console.page.locator("main")).not_to_contain_text("周志愿")
        await expect(console.page.locator("main")).not_to_contain_text("垃圾分类督导")
    # The API refuses them this community's rows, whatever the console would send.
    home = scene.community_id
    for path in (
        f"/api/points/claims?community_id={home}",
        f"/api/points/communities/{home}/unmatched",
        f"/api/points/accounts/{resident}/postings",
        f"/api/points/communities/{home}/rules/versions",
    ):
        answer = await scene.gw.get(path, headers=other.staff)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "周志愿" not in answer.text and claim not in answer.text
    items = (await scene.gw.get(f"/api/points/communities/{home}/rules")).json()["items"]
    draft = await scene.gw.post(
        f"/api/points/communities/{home}/rules", json={"items": items}, headers=scene.staff
    )
    assert draft.status_code == 201, draft.text
    refused = await scene.gw.post(
        f"/api/points/rules/{draft.json()['id']}/publish", json={}, headers=other.staff
    )
    assert refused.status_code == 404
    drafted = await scene.gw.post(
        f"/api/points/communities/{home}/rules", json={"items": items}, headers=other.staff
    )
    assert drafted.status_code == 404
