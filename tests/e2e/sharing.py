"""One platform shared by the e2e modules that need no fresh state, and a platform of its own
for each module that does (OWN_PLATFORM = True). See conftest.py for which module gets which.

The shared platform starts on the first use of a sharing module and stops after a sharing
module whose process runs no sharing test next: tests/ordering.py keeps the sharing modules
together, so under pytest-xdist (where each worker has a shared platform of its own and gets
modules one by one from a common queue, never knowing which will be its last) a worker's
platform stops when that worker moves on to other modules, instead of idling to the end of the
run. Should a sharing module still come later (a hand-picked order), the platform starts again.
Its logs are scanned as a module's own were: every process's whole output, once per start, at
its stop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.logscan import scan_logs
from tests.e2e.platform import Platform, start_platform
from tests.ordering import shares_platform

# The test this process runs after the one being torn down (None at the end of its run).
NEXT_ITEM = pytest.StashKey[pytest.Item | None]()


def _own(module: ModuleType | None) -> bool:
    return bool(getattr(module, "OWN_PLATFORM", False))


def _check(module: ModuleType) -> None:
    if _own(module):
        return
    if getattr(module, "PLATFORM_ENV", None) is not None:
        pytest.fail(f"{module.__name__} sets PLATFORM_ENV: it needs OWN_PLATFORM = True")
    if not getattr(module, "LOG_SCAN", True):
        pytest.fail(f"{module.__name__} opts out of the log scan: it needs OWN_PLATFORM = True")


def _scan(work: Path, module: ModuleType | None = None) -> None:
    # Every process's whole output, access lines included: no personal data. A module of
    # generated inputs (fuzzed paths) may opt out with LOG_SCAN = False (on its own platform).
    if module is not None and not getattr(module, "LOG_SCAN", True):
        return
    leaks = scan_logs(work)
    assert not leaks, f"personal data in the platform's logs: {leaks}"


@asynccontextmanager
async def own_platform(
    factory: pytest.TempPathFactory, module: ModuleType
) -> AsyncIterator[Platform]:
    """A platform for `module` alone; a module may set PLATFORM_ENV: environment for every
    process (e.g. a job's pace)."""
    work = Path(factory.mktemp("platform"))
    running = await start_platform(work, getattr(module, "PLATFORM_ENV", None))
    try:
        yield running
    finally:
        await running.stop()
    _scan(work, module)


class SharedPlatform:
    """The shared platform, started lazily."""

    def __init__(self, session: pytest.Session) -> None:
        self.session = session
        self.running: Platform | None = None
        self.work: Path | None = None

    @asynccontextmanager
    async def use(self, factory: pytest.TempPathFactory, module: ModuleType) -> AsyncIterator[Any]:
        _check(module)
        if self.running is None:
            self.work = Path(factory.mktemp("platform"))
            self.running = await start_platform(self.work)
        try:
            yield self.running
        finally:
            following = self.session.stash.get(NEXT_ITEM, None)
            if following is None or not shares_platform(following):
                await self.stop()

    async def stop(self) -> None:
        if self.running is None or self.work is None:
            return
        running, self.running = self.running, None
        await running.stop()
        _scan(self.work)


@pytest.fixture(scope="session")
async def shared_platform(request: pytest.FixtureRequest) -> AsyncIterator[SharedPlatform]:
    """The process's shared platform; stopped here at the latest (a run cut short by -x)."""
    shared = SharedPlatform(request.session)
    try:
        yield shared
    finally:
        await shared.stop()


def note_next_item(item: pytest.Item, following: pytest.Item | None) -> None:
    """For the teardown hook: runs before the module's fixtures are torn down."""
    item.session.stash[NEXT_ITEM] = following
