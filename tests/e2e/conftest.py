"""End-to-end fixtures: one whole platform per test module, and a demo community on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser import browser, web  # noqa: F401  (fixtures for test_web_*)
from tests.e2e.logscan import scan_logs
from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, prepare


@pytest.fixture(scope="module")
async def platform(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Platform]:
    work = Path(tmp_path_factory.mktemp("platform"))
    # A module may set PLATFORM_ENV: environment for every process (e.g. a job's pace).
    running = await start_platform(work, getattr(request.module, "PLATFORM_ENV", None))
    try:
        yield running
    finally:
        await running.stop()
    # Every process's whole output for the module, access lines included: no personal data.
    # A module of generated inputs (fuzzed paths) may opt out with LOG_SCAN = False.
    if not getattr(request.module, "LOG_SCAN", True):
        return
    leaks = scan_logs(work)
    assert not leaks, f"personal data in the platform's logs: {leaks}"


@pytest.fixture(scope="module")
async def scene(platform: Platform) -> AsyncIterator[Scene]:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        yield await prepare(gw)
