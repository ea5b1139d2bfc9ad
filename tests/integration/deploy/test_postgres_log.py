"""The embedded PostgreSQL's log (copied into the launcher's output) carries no row values."""

from __future__ import annotations

import socket
from pathlib import Path

import asyncpg
import pytest

from deploy.postgres import PostgresServer

PHONE = "13812349999"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.timeout(90)
async def test_a_duplicate_key_leaves_no_phone_in_the_postgres_log(tmp_path: Path):
    log = tmp_path / "postgres.log"
    server = PostgresServer(tmp_path / "pg", _free_port(), fsync=False, log_file=log)
    await server.start()
    try:
        url = server.server_url().replace("postgresql+asyncpg", "postgresql")
        connection = await asyncpg.connect(url)
        try:
            await connection.execute("CREATE TABLE people (phone text UNIQUE)")
            insert = "INSERT INTO people (phone) VALUES ($1)"
            await connection.execute(insert, PHONE)
            with pytest.raises(asyncpg.UniqueViolationError):
                await connection.execute(insert, PHONE)
            # The same without parameters, as a statement logged on error would show it.
            with pytest.raises(asyncpg.UniqueViolationError):
                await connection.execute(f"INSERT INTO people (phone) VALUES ('{PHONE}')")
        finally:
            await connection.close()
    finally:
        await server.stop()
    written = log.read_text(errors="replace")
    assert "duplicate key" in written, "the error was not logged: the check proves nothing"
    assert PHONE not in written
