"""Screenshots of the residents' app for the repository (docs/screens/), not a test.

Against a running platform with the demo data (`make up`), sign in as the demo resident and
save each main screen in normal and elderly mode:

    uv run --frozen python -m tests.e2e.screens http://127.0.0.1:8000

A screen still showing its placeholder ("建设中") is skipped and named, not saved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sys
from pathlib import Path

from playwright.async_api import Error, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screens"
DEMO_PHONE, DEMO_PASSWORD = "13800002001", "Demo@2026"  # README "Demo logins": 赵德明
ELDERLY_KEY = "sz.elderly"  # uni-app's H5 storage: {type, data} as JSON under the app's key
PLACEHOLDER = "建设中"
SCREENS = {
    "home": "pages/home/index",
    "points": "pages/points/index",
    "petitions": "pages/petitions/index",
    "notices": "pages/notices/index",
    "activities": "pages/activities/index",
    "mall": "pages/mall/index",
    "messages": "pages/messages/index",
    "me": "pages/me/index",
}


async def settle(page: Page) -> None:
    """Until the screen's calls are answered; a live stream (messages) never goes idle."""
    await page.wait_for_selector("uni-page-body", state="attached")
    with contextlib.suppress(Error):
        await page.wait_for_load_state("networkidle", timeout=8000)
    await page.wait_for_timeout(400)  # the last answer rendered


async def open_route(page: Page, base: str, route: str) -> None:
    await page.goto(f"{base}/#/{route}")
    await page.reload()  # a fresh load per screen, as the resident opening the app there
    await settle(page)


async def set_elderly(page: Page, on: bool) -> None:
    stored = json.dumps({"type": "boolean", "data": on})
    await page.evaluate("([k, v]) => localStorage.setItem(k, v)", [ELDERLY_KEY, stored])


async def shoot(page: Page, name: str, saved: list[str], skipped: list[str]) -> None:
    body = await page.locator("uni-page-body").inner_text()
    if PLACEHOLDER in body and len(body.strip()) < 40:
        skipped.append(name)
        return
    await page.screenshot(path=str(OUT / f"{name}.png"))
    saved.append(name)


async def sign_in(page: Page, base: str) -> None:
    await open_route(page, base, "pages/login/index")
    await page.locator("[data-testid=phone] input").fill(DEMO_PHONE)
    await page.locator("[data-testid=password] input").fill(DEMO_PASSWORD)
    await page.locator("uni-button", has_text="登录").first.click()
    await page.get_by_test_id("wallet").wait_for(timeout=30_000)


async def run(base: str, only: list[str]) -> tuple[list[str], list[str]]:
    OUT.mkdir(parents=True, exist_ok=True)
    saved: list[str] = []
    skipped: list[str] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = await browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            is_mobile=True,
            has_touch=True,
        )
        page = await context.new_page()
        for elderly in (False, True):
            suffix = "-elderly" if elderly else ""
            await open_route(page, base, "pages/login/index")
            await set_elderly(page, elderly)
            if "login" in only:
                await open_route(page, base, "pages/login/index")
                await shoot(page, f"login{suffix}", saved, skipped)
            await sign_in(page, base)
            for name, route in SCREENS.items():
                if name in only:
                    await open_route(page, base, route)
                    await shoot(page, f"{name}{suffix}", saved, skipped)
            await page.evaluate("localStorage.clear()")  # signed out for the next round
        await browser.close()
    return saved, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gateway", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--only", nargs="*", default=["login", *SCREENS], help="screen names")
    args = parser.parse_args()
    saved, skipped = asyncio.run(run(args.gateway.rstrip("/"), args.only))
    print(f"saved to {OUT.relative_to(ROOT)}: {', '.join(saved) or 'nothing'}")
    if skipped:
        print(f"still placeholders, not saved: {', '.join(skipped)}", file=sys.stderr)


if __name__ == "__main__":
    main()
