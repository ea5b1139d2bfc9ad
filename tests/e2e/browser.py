"""Real-browser fixtures: Debian's chromium driven by Playwright against the e2e platform's
gateway, which serves the built H5 app at `/`.

A test fails at teardown on any console error, uncaught page error, or failed request
(network error, or a 4xx/5xx answer) it did not declare with `web.allow_status`. axe-core
checks a screen in normal and elderly mode; screenshots are kept under `.artifacts/screens/`.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.async_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    async_playwright,
)

from tests.e2e.platform import Platform

ROOT = Path(__file__).resolve().parents[2]
APP_BUILD = ROOT / "web" / "resident" / "dist" / "build" / "h5" / "index.html"
AXE = ROOT / "web" / "resident" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / ".artifacts" / "screens"
# uni-app's H5 storage keeps {type, data} as JSON under the key the app uses.
ELDERLY_KEY = "sz.elderly"
BLOCKING = {"serious", "critical"}
# Chrome cancelling a request (navigation, a closed stream) is not a failure.
CANCELLED = "net::ERR_ABORTED"
# No finite animation (a toast fading in, a page sliding) is running; spinners loop forever.
# A toast is transient chrome over the screen (its colours are set in App.vue): measured half
# faded in or out it would fail contrast, so the check waits for it to go.
SETTLED = """() => document.getAnimations().every(
    (a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)
  && ![...document.querySelectorAll('.uni-toast, .uni-simple-toast__text')]
    .some((t) => t.checkVisibility())"""


S = TypeVar("S", bound="WebSession")


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    return found


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not APP_BUILD.is_file() or not AXE.is_file():
        pytest.fail("the H5 app is not built: `make web` (part of `make test`) builds it")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class WebSession:
    """One resident's phone: a fresh browser context on the platform's gateway."""

    page: Page
    base: str
    name: str
    problems: list[str] = field(default_factory=list)
    allowed: list[tuple[str, int]] = field(default_factory=list)
    axe_source: Path = AXE
    settled_check: str = SETTLED

    def allow_status(self, fragment: str, status: int) -> None:
        """An answer the journey expects (a refused wrong password, say) is not a failure."""
        self.allowed.append((fragment, status))

    async def open(self, route: str) -> None:
        """Open an app route (`pages/home/index`, with a query if any) as a fresh load."""
        await self.page.goto(f"{self.base}/#/{route.lstrip('/')}")
        await self.page.wait_for_selector("uni-page-body", state="attached")

    async def sign_in(self, phone: str, password: str) -> None:
        await self.open("pages/login/index")
        await self.page.locator("[data-testid=phone] input").fill(phone)
        await self.page.locator("[data-testid=password] input").fill(password)
        await self.page.locator("uni-button", has_text="登录").first.click()
        # The home tab is the first page: its address is `#/` as well as its own.
        await self.page.wait_for_url(re.compile(r"#/(pages/home/index)?$"))
        await self.page.get_by_test_id("wallet").wait_for()

    async def set_elderly(self, on: bool) -> None:
        """The elderly mode as the 我的 screen stores it; the page reloads to take it."""
        stored = json.dumps({"type": "boolean", "data": on})
        await self.page.evaluate(
            "([key, value]) => localStorage.setItem(key, value)", [ELDERLY_KEY, stored]
        )
        await self.page.reload()
        await self.page.wait_for_selector("uni-page-body", state="attached")

    async def axe(self) -> list[dict[str, Any]]:
        """The serious and critical axe-core violations on the screen once it has settled (a
        toast fading in is measured when it shows, not half-transparent)."""
        await self.settle()
        if not await self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated over the DevTools protocol: the app's CSP (no inline scripts) stays on.
            await self.page.evaluate(self.axe_source.read_text(encoding="utf-8") + "\n;0")
        result = await self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        )
        return [v for v in result if v.get("impact") in BLOCKING]

    async def settle(self, timeout: float = 8.0) -> None:
        """Until no finite animation runs and no toast shows (polled from here: the page's CSP
        forbids the eval that `wait_for_function` needs)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not await self.page.evaluate(self.settled_check):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the screen kept animating for {timeout} s")
            await asyncio.sleep(0.05)

    async def check_a11y(self, screen: str) -> None:
        """axe-core on this screen, normal then elderly (then back): none serious or critical.
        Call it once the screen shows what it is for (a live screen never goes network-idle)."""
        found = {"normal": await self.axe()}
        await self.set_elderly(True)
        await self.page.wait_for_selector(".sz-elderly", state="attached")
        found["elderly"] = await self.axe()
        await self.set_elderly(False)
        report = {
            mode: [
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(
                    f"{n.get('target')} {str(n.get('html'))[:160]} {n.get('failureSummary', '')}"
                    for n in v.get("nodes", [])[:3]
                )
                for v in violations
            ]
            for mode, violations in found.items()
            if violations
        }
        assert not report, f"accessibility violations on {screen}: {report}"

    async def screenshot(self, name: str) -> Path:
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{self.name}-{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    # Event handlers: everything that went wrong, checked at teardown.
    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def on_page_error(self, error: Exception) -> None:
        self.problems.append(f"page error: {error}")

    def on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        if CANCELLED not in failure:
            self.problems.append(f"request failed: {request.method} {request.url} {failure}")

    def on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        if any(f in response.url and s == response.status for f, s in self.allowed):
            return
        self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def unexpected(self) -> list[str]:
        # A console line for an allowed answer ("Failed to load resource: … 401") is its echo.
        echoes = {f"status of {s}" for _, s in self.allowed}
        return [p for p in self.problems if not any(e in p for e in echoes)]


async def watched(session: S) -> S:
    """Record every console error, page error, failed request and refused answer."""
    page = session.page
    page.set_default_timeout(30_000)  # a loaded 2-core CI machine
    page.on("console", session.on_console)
    page.on("pageerror", session.on_page_error)
    page.on("requestfailed", session.on_request_failed)
    page.on("response", session.on_response)
    return session


def assert_clean(session: WebSession) -> None:
    problems = session.unexpected()
    assert not problems, "the journey hit errors:\n" + "\n".join(problems)


@pytest.fixture
async def web(
    browser: Browser, platform: Platform, request: pytest.FixtureRequest
) -> AsyncIterator[WebSession]:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=True,
        has_touch=True,
    )
    session = await watched(
        WebSession(await context.new_page(), platform.gateway, request.node.name)
    )
    try:
        yield session
    finally:
        await context.close()
    assert_clean(session)
