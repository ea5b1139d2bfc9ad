"""The staff console in a real browser: Debian's chromium on a desktop-sized window, against
the e2e platform's gateway, which serves the console at `/console/`.

As with the residents' app (tests/e2e/browser.py), a journey fails at teardown on any console
error, uncaught page error, or failed request it did not declare with `allow_status`; axe-core
checks each screen (0 serious or critical); screenshots go to `.artifacts/screens/`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext

from tests.e2e.browser import ROOT, WebSession, assert_clean, watched
from tests.e2e.platform import Platform

CONSOLE_BUILD = ROOT / "web" / "console" / "dist" / "index.html"
CONSOLE_AXE = ROOT / "web" / "console" / "node_modules" / "axe-core" / "axe.min.js"
# Element Plus fades messages and dialogs in and out; measured mid-fade they fail contrast.
CONSOLE_SETTLED = """() => document.getAnimations().every(
    (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
  && ![...document.querySelectorAll(
    '.el-message, .el-fade-in-linear-enter-active, .dialog-fade-enter-active, '
    + '.dialog-fade-leave-active')].some((t) => t.checkVisibility())"""


@dataclass
class ConsoleSession(WebSession):
    """One staff member at a desk: a fresh browser context on the console."""

    axe_source: Path = CONSOLE_AXE
    settled_check: str = CONSOLE_SETTLED

    async def open(self, route: str) -> None:
        """Open a console route (`/points/rules`) as a fresh load."""
        await self.page.goto(f"{self.base}/console/#/{route.lstrip('/')}")
        await self.page.wait_for_selector("#app > *", state="attached")

    async def sign_in(self, phone: str, password: str) -> None:
        await self.open("login")
        await self.page.locator("#login-phone").fill(phone)
        await self.page.locator("#login-password").fill(password)
        await self.page.get_by_test_id("sign-in").click()
        await self.page.get_by_test_id("staff-name").wait_for()

    async def go(self, route: str) -> None:
        """Move to a route inside the signed-in console (the session is kept per tab)."""
        await self.page.evaluate("(r) => { location.hash = '#' + r }", route)
        await self.page.wait_for_url(f"**/console/#{route}*")

    async def check_a11y(self, screen: str) -> None:
        """axe-core on this screen once it shows what it is for: none serious or critical."""
        violations = await self.axe()
        report = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(
                f"{n.get('target')} {str(n.get('html'))[:160]} {n.get('failureSummary', '')}"
                for n in v.get("nodes", [])[:3]
            )
            for v in violations
        ]
        assert not report, f"accessibility violations on {screen}: {report}"


OpenConsole = Callable[[str], Awaitable[ConsoleSession]]


@pytest.fixture
async def open_console(
    browser: Browser, platform: Platform, request: pytest.FixtureRequest
) -> AsyncIterator[OpenConsole]:
    """Open one more staff member's browser (`await open_console("other")`); each is checked
    for errors at teardown like `console`."""
    if not CONSOLE_BUILD.is_file() or not CONSOLE_AXE.is_file():
        pytest.fail("the console is not built: `make web` (part of `make test`) builds it")
    opened: list[tuple[BrowserContext, ConsoleSession]] = []

    async def open_one(name: str) -> ConsoleSession:
        context = await browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = await context.new_page()
        session = ConsoleSession(page, platform.gateway, f"console-{request.node.name}-{name}")
        opened.append((context, await watched(session)))
        return session

    try:
        yield open_one
    finally:
        for context, _ in opened:
            await context.close()
    for _, session in opened:
        assert_clean(session)


@pytest.fixture
async def console(open_console: OpenConsole) -> ConsoleSession:
    """A staff member's desktop browser on the console."""
    return await open_console("staff")
