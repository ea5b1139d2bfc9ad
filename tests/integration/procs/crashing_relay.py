"""A relay process that dies by SIGKILL after the broker acked a batch, before marking it.

python -m tests.integration.procs.crashing_relay DSN BOOTSTRAP
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import asyncpg

from kit.relay import OutboxRelay


class CrashBeforeMark(OutboxRelay):
    async def _mark_sent(self, conn: asyncpg.Connection, acked: list[asyncpg.Record]) -> None:
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    relay = CrashBeforeMark(dsn=sys.argv[1], bootstrap_servers=sys.argv[2], service="crashing")
    asyncio.run(relay.run())
