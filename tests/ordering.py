"""The order pytest runs the suite in: the longest work first, the finest-grained last.

`make test` runs the modules on two pytest-xdist workers (`--dist loadfile`, one module stays
on one worker) that each take the next module from one queue when they are nearly done, in the
order set here (the Makefile passes `--no-loadscope-reorder`, else xdist would put the modules
with the most tests first, which left the long single-test e2e modules to the end: one worker
running a 90 s module while the other had nothing left). Longest first, the queue ends on
many short tests, so both workers finish within seconds of each other:

1. e2e modules that start stacks of their own (own platform, launcher, replicas: the longest);
2. e2e modules on the shared platform, all together, so each worker's shared platform can stop
   as soon as its next module does not share it (tests/e2e/sharing.py) instead of idling on
   both workers to the end of the run;
3. the integration tier; 4. everything else (the unit tier: many tests of milliseconds).

Within a rank, modules keep their collection order, and tests their order within the module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
E2E = TESTS / "e2e"
INTEGRATION = TESTS / "integration"


def shares_platform(item: pytest.Item) -> bool:
    """True for a test of an e2e module on the shared platform (not OWN_PLATFORM)."""
    module = getattr(item, "module", None)
    fixtures = getattr(item, "fixturenames", ())
    if module is None or "platform" not in fixtures:
        return False
    return not getattr(module, "OWN_PLATFORM", False)


def rank(item: pytest.Item, sharing: set[Path]) -> int:
    path = Path(item.path).resolve()
    if E2E in path.parents:
        return 1 if path in sharing else 0
    if INTEGRATION in path.parents:
        return 2
    return 3


def order(items: list[pytest.Item]) -> None:
    """Sort `items` in place by their module's rank (a module is on the shared platform if any
    of its tests is); Python's sort is stable, so the rest of the order holds."""
    sharing = {Path(item.path).resolve() for item in items if shares_platform(item)}
    items.sort(key=lambda item: rank(item, sharing))
