"""Fixtures the gateway's unit tests share."""

from __future__ import annotations

import pytest

from tests.unit.kit.test_jwks import FakeIdentity


@pytest.fixture
def identity() -> FakeIdentity:
    """An identity service with one signing key, "ed-1"."""
    fake = FakeIdentity()
    fake.add_key("ed-1")
    return fake
