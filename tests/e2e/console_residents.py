"""Helpers of the residents' console journeys: residents who submitted verification, and picking
from Element Plus's remote person search."""

from __future__ import annotations

from playwright.async_api import Page

from tests.e2e.scene import PASSWORD, Scene, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number


async def pending_resident(scene: Scene, name: str, real_name: str) -> tuple[str, str]:
    """A resident of the scene's community who submitted verification: (id, phone)."""
    phone = fresh_phone()
    person = await scene.register(phone, name)
    body = {"real_name": real_name, "id_number": id_number(fresh_id_serial())}
    answer = await scene.gw.post(
        "/api/identity/me/verification", json=body, headers=await scene.login(phone)
    )
    assert answer.status_code == 202, answer.text
    return person, phone


async def me(scene: Scene, phone: str) -> dict[str, object]:
    answer = await scene.gw.get("/api/identity/me", headers=await scene.login(phone, PASSWORD))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def pick_person(page: Page, select_id: str, phone: str) -> None:
    """Type a phone into a remote person search and pick the one answer (its masked phone)."""
    await page.locator(f"#{select_id}").fill(phone)
    masked = f"{phone[:3]}****{phone[-4:]}"
    await page.get_by_role("option", name=masked).click()


async def pick_option(page: Page, testid: str, label: str) -> None:
    """Open an Element Plus select (by its test id: its input is covered) and choose."""
    await page.get_by_test_id(testid).click()
    await page.get_by_role("option", name=label, exact=True).click()
