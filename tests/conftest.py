"""Suite-wide hooks: the order the tests run in (tests/ordering.py says why)."""

from __future__ import annotations

import pytest

from tests.ordering import order


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    order(items)
