"""End-to-end fixtures: a whole platform, and a demo community on it.

Which platform a module gets:
- By default it shares one platform with every other module that does: started on the first
  such module's first use, stopped (and its logs scanned for personal data) after the last
  such module the process runs (tests/ordering.py runs them one after another). Tests on it make
  their own communities, people and codes (scene.fresh_phone, fresh_code, fresh_id_serial)
  and count only their own rows.
- A module that kills or restarts processes, changes their environment (PLATFORM_ENV) or opts
  out of the log scan (LOG_SCAN = False) sets OWN_PLATFORM = True: a platform started for it
  and stopped after it, as before. PLATFORM_ENV or LOG_SCAN = False without OWN_PLATFORM is an
  error, not a silent choice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.e2e.browser import browser, web  # noqa: F401  (fixtures for test_web_*)
from tests.e2e.console import console, open_console  # noqa: F401  (fixtures for test_console_*)
from tests.e2e.platform import Platform
from tests.e2e.scene import Scene, prepare
from tests.e2e.sharing import SharedPlatform, note_next_item, own_platform, shared_platform

__all__ = ["shared_platform"]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """The shared platform learns what runs next before a module's fixtures are torn down."""
    note_next_item(item, nextitem)


@pytest.fixture(scope="module")
async def platform(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    shared_platform: SharedPlatform,
) -> AsyncIterator[Platform]:
    if getattr(request.module, "OWN_PLATFORM", False):
        async with own_platform(tmp_path_factory, request.module) as running:
            yield running
    else:
        async with shared_platform.use(tmp_path_factory, request.module) as running:
            yield running


@pytest.fixture(scope="module")
async def scene(platform: Platform) -> AsyncIterator[Scene]:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
        yield await prepare(gw)
