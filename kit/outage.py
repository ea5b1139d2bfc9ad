"""Telling a dependency that is away (database, broker) and warning about it once per spell."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy import exc as sa_exc

log = logging.getLogger("kit.web")

RETRY_AFTER_SECONDS = 5
# During an outage every request fails alike; one line per window says it all.
WARN_EVERY_SECONDS = 30.0
# The exception types a dependency's failure arrives as. Handlers keyed by these run
# inside Starlette's ExceptionMiddleware, which answers without re-raising: the
# server then logs no second traceback, as it does for the catch-all Exception handler.
DEPENDENCY_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    sa_exc.DBAPIError,
    sa_exc.TimeoutError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    KafkaError,
)


class OutageLog:
    """Warns about an outage once per window, counting the requests it left unlogged."""

    def __init__(
        self, every: float = WARN_EVERY_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.every = every
        self.clock = clock
        self._last: float | None = None
        self._quiet = 0

    def record(self, reason: str) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            self._quiet += 1
            return
        also = f" (and {self._quiet} more since the last warning)" if self._quiet else ""
        log.warning("a dependency is unavailable, answering 503: %s%s", reason, also)
        self._last, self._quiet = now, 0


def reason(exc: BaseException) -> str:
    """The innermost cause, by type and message: a driver's connection error, never the SQL.

    SQLAlchemy's own message carries the statement and its parameters (personal data).
    """
    root = exc
    seen = {id(exc)}
    while (cause := root.__cause__ or root.__context__) is not None and id(cause) not in seen:
        seen.add(id(cause))
        root = cause
    if isinstance(root, sa_exc.StatementError):
        return type(root).__name__
    return f"{type(root).__name__}: {root}"[:300]
