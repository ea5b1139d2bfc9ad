"""The body of every service's migrations/env.py: async online migrations, URL from settings."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from kit.tables import KIT_METADATA


def run_migrations(service_metadata: Sequence[MetaData]) -> None:
    """Run in Alembic's env.py context: kit tables plus the service's own tables."""
    target = [KIT_METADATA, *service_metadata]
    url: str = context.config.attributes["database_url"]
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target, literal_binds=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, target))


async def _run_online(url: str, target: list[MetaData]) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_migrate, target)
    finally:
        await engine.dispose()


def _migrate(conn: Connection, target: list[MetaData]) -> None:
    context.configure(connection=conn, target_metadata=target, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
