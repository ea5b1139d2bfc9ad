"""One platform shared by the e2e modules that need no fresh state, and a platform of its own
for each module that does (OWN_PLATFORM = True). See conftest.py for which module gets which.

The shared platform starts on the first use of a sharing module and stops when the last
sharing module of the run is done; the collection hook runs the sharing modules first (in
their usual order), so it is not left idle while the other modules start platforms of their
own. Its logs are scanned as a module's own were: every process's whole output, once, at its
stop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.logscan import scan_logs
from tests.e2e.platform import Platform, start_platform

E2E = Path(__file__).resolve().parent


def _own(module: ModuleType | None) -> bool:
    return bool(getattr(module, "OWN_PLATFORM", False))


def _check(module: ModuleType) -> None:
    if _own(module):
        return
    if getattr(module, "PLATFORM_ENV", None) is not None:
        pytest.fail(f"{module.__name__} sets PLATFORM_ENV: it needs OWN_PLATFORM = True")
    if not getattr(module, "LOG_SCAN", True):
        pytest.fail(f"{module.__name__} opts out of the log scan: it needs OWN_PLATFORM = True")


def _shares(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    fixtures = getattr(item, "fixturenames", ())
    return module is not None and "platform" in fixtures and not _own(module)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The e2e tests of sharing modules first, each group in its usual order; other tiers'
    tests stay where they are."""
    places = [i for i, item in enumerate(items) if E2E in Path(item.path).resolve().parents]
    ordered = sorted((items[i] for i in places), key=lambda item: not _shares(item))
    for i, item in zip(places, ordered, strict=True):
        items[i] = item


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
    """The shared platform, started lazily; `waiting` names the sharing modules still to run."""

    def __init__(self, waiting: set[str]) -> None:
        self.waiting = waiting
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
            self.waiting.discard(module.__name__)
            if not self.waiting:
                await self.stop()

    async def stop(self) -> None:
        if self.running is None or self.work is None:
            return
        running, self.running = self.running, None
        await running.stop()
        _scan(self.work)


@pytest.fixture(scope="session")
async def shared_platform(request: pytest.FixtureRequest) -> AsyncIterator[SharedPlatform]:
    """The run's shared platform; stopped here at the latest (a run cut short by -x)."""
    waiting = {item.module.__name__ for item in request.session.items if _shares(item)}  # type: ignore[attr-defined]
    shared = SharedPlatform(waiting)
    try:
        yield shared
    finally:
        await shared.stop()
