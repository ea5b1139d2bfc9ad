"""Fixtures on the real PostgreSQL and Kafka that `make test` starts (DATABASE_URL, KAFKA_...)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration import support
from tests.integration.support import Db, scratch_database

__all__ = ["Db"]


@pytest.fixture
async def db() -> AsyncIterator[Db]:
    """A fresh database migrated like a service's (outbox, inbox) plus an `applied` table."""
    async with scratch_database() as handle:
        yield handle


@pytest.fixture
def kafka() -> str:
    return support.bootstrap()


@pytest.fixture
async def topic(kafka: str) -> str:
    """A fresh topic with its dead-letter twin."""
    name = support.unique("test.events")
    await support.create_topics(kafka, [name, f"{name}.dlq"])
    return name
