"""End-to-end fixtures: one whole platform per test module, and a demo community on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, prepare


@pytest.fixture(scope="module")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    running = await start_platform(Path(tmp_path_factory.mktemp("platform")))
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture(scope="module")
async def scene(platform: Platform) -> AsyncIterator[Scene]:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        yield await prepare(gw)
