"""A consumer process for fault tests and benchmarks: applies counted events until SIGTERM.

python -m tests.integration.procs.count_consumer URL BOOTSTRAP TOPIC GROUP
"""

from __future__ import annotations

import asyncio
import signal
import sys

from kit.db import make_engine, make_session_factory
from kit.logging import configure_logging
from tests.integration import support


async def main(url: str, servers: str, topic: str, group: str) -> None:
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    runner = support.counted_runner(factory, servers, topic, group=group, max_backoff=1.0)
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(runner.stop()))
    try:
        await runner.run()
    finally:
        await engine.dispose()


if __name__ == "__main__":
    configure_logging(level="WARNING", json_lines=True)
    asyncio.run(main(*sys.argv[1:5]))
