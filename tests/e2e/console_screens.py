"""Screenshots of the staff console for the repository (docs/screens/console-*.png), not a test.

Against a running platform with the demo data (`make up`), sign in as the demo community
administrator 王建国 (and the district administrator for the partners' screen) and save each
main screen at 1366×768:

    uv run --frozen python -m tests.e2e.console_screens http://127.0.0.1:8000

A screen still showing its placeholder ("建设中") is skipped and named, not saved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
from pathlib import Path

from playwright.async_api import Error, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screens"
PLACEHOLDER = "建设中"
# README "Demo logins": 王建国 (小北街社区 community_admin), 区管理员 (district_admin).
COMMUNITY_ADMIN = ("13800001001", "Demo@2026")
DISTRICT_ADMIN = ("13800000000", "Admin@2026")
SCREENS = {
    "home": "/",
    "verifications": "/residents/verifications",
    "residents": "/residents",
    "households": "/households",
    "staff-roles": "/staff-roles",
    "points-rules": "/points/rules",
    "points-claims": "/points/claims",
    "points-unmatched": "/points/unmatched",
    "points-red-lists": "/points/red-lists",
    "petitions": "/petitions",
    "petitions-dashboard": "/petitions/dashboard",
    "notices": "/notices",
    "activities": "/activities",
    "mall-pickup": "/mall/pickup",
    "mall-redeem": "/mall/redeem",
    "mall-orders": "/mall/orders",
    "mall-items": "/mall/items",
    "mall-reconciliation": "/mall/reconciliation",
}
DISTRICT_SCREENS = {"partners": "/partners"}


async def settle(page: Page) -> None:
    with contextlib.suppress(Error):
        await page.wait_for_load_state("networkidle", timeout=8000)
    await page.wait_for_timeout(1500)  # the last answer rendered, charts drawn (they animate 1 s)


async def sign_in(page: Page, base: str, phone: str, password: str) -> None:
    await page.goto(f"{base}/console/#/login")
    await page.locator("#login-phone").fill(phone)
    await page.locator("#login-password").fill(password)
    await page.get_by_test_id("sign-in").click()
    await page.get_by_test_id("staff-name").wait_for(timeout=30_000)


async def shoot(
    page: Page, base: str, name: str, route: str, saved: list[str], skipped: list[str]
) -> None:
    await page.goto(f"{base}/console/#{route}")
    await settle(page)
    body = await page.locator("main").inner_text()
    if PLACEHOLDER in body and len(body.strip()) < 40:
        skipped.append(name)
        return
    await page.screenshot(path=str(OUT / f"console-{name}.png"))
    saved.append(name)


async def run(base: str, only: list[str]) -> tuple[list[str], list[str]]:
    OUT.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    skipped: list[str] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for (phone, password), screens in (
            (COMMUNITY_ADMIN, SCREENS),
            (DISTRICT_ADMIN, DISTRICT_SCREENS),
        ):
            context = await browser.new_context(
                viewport={"width": 1366, "height": 768},
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
            )
            page = await context.new_page()
            if "login" in only and screens is SCREENS:
                await page.goto(f"{base}/console/#/login")
                await settle(page)
                await page.screenshot(path=str(OUT / "console-login.png"))
                saved.append("login")
            await sign_in(page, base, phone, password)
            for name, route in screens.items():
                if name in only:
                    await shoot(page, base, name, route, saved, skipped)
            await context.close()
        await browser.close()
    return saved, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gateway", nargs="?", default="http://127.0.0.1:8000")
    names = ["login", *SCREENS, *DISTRICT_SCREENS]
    parser.add_argument("--only", nargs="*", default=names, help="screen names")
    args = parser.parse_args()
    saved, skipped = asyncio.run(run(args.gateway.rstrip("/"), args.only))
    print(
        f"saved to {OUT.relative_to(ROOT)}: {', '.join(f'console-{n}' for n in saved) or 'nothing'}"
    )
    if skipped:
        print(f"still placeholders, not saved: {', '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
