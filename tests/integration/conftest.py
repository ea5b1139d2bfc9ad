"""Fixtures on the real PostgreSQL and Kafka that `make test` starts (DATABASE_URL, KAFKA_...)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kit.db import asyncpg_dsn, make_engine, make_session_factory
from kit.migrate import upgrade_head
from tests.integration import support


@dataclass
class Db:
    name: str
    url: str
    dsn: str
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]

    async def fetchval(self, sql: str, *args: object) -> object:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


@pytest.fixture
async def db() -> AsyncIterator[Db]:
    """A fresh database migrated like a service's (outbox, inbox) plus an `applied` table."""
    name = support.unique("t")
    url = await support.create_database(name)
    await asyncio.to_thread(upgrade_head, "identity", url)
    dsn = asyncpg_dsn(url)
    conn = await asyncpg.connect(dsn)
    await conn.execute(support.APPLIED_DDL)
    await conn.close()
    engine = make_engine(url, pool_size=5)
    yield Db(name, url, dsn, engine, make_session_factory(engine))
    await engine.dispose()
    await support.drop_database(name)


@pytest.fixture
def kafka() -> str:
    return support.bootstrap()


@pytest.fixture
async def topic(kafka: str) -> str:
    """A fresh topic with its dead-letter twin."""
    name = support.unique("test.events")
    await support.create_topics(kafka, [name, f"{name}.dlq"])
    return name
