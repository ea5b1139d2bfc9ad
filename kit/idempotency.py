"""Idempotency-Key for writes clients may retry: the same key answers the first answer.

    stored = await idempotency.claim(session, scope=f"petitions:{sub}", key=key, request=body)
    if stored is not None:
        return stored.response()           # a retry: the first answer, nothing written
    ...do the work...
    await idempotency.complete(session, scope=..., key=key, status=201, body=answer)
    await session.commit()                 # the effect and the remembered answer, together

`claim` inserts the key first, in the caller's transaction: a concurrent request with the
same key waits on the row until the first commits (then replays its answer) or rolls back
(then does the work itself). A key reused with a different request body is a 422.
A service that uses this adds `IDEMPOTENCY_METADATA` to its migrations and calls
`kit.migration_ops.create_idempotency_table_v1()` in one of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import new_metadata
from kit.errors import Invalid

IDEMPOTENCY_METADATA = new_metadata()
HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,128}$"  # printable ASCII, no spaces (RFC draft: a string)

# The optional `Idempotency-Key` request header of a route that takes one.
KeyHeader = Annotated[
    str | None, Header(alias=HEADER, pattern=KEY_PATTERN, description="重试用同一键")
]

idempotency_keys = Table(
    "idempotency_keys",
    IDEMPOTENCY_METADATA,
    Column("scope", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("fingerprint", Text, nullable=False),
    Column("status", Integer, nullable=True),
    Column("body", JSONB, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("scope", "key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)


@dataclass(frozen=True)
class Stored:
    status: int
    body: Any

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers={"Idempotent-Replay": "1"})


def fingerprint(request: Any) -> str:
    """A stable digest of the request body (a pydantic model's JSON dump, or plain data)."""
    data = request.model_dump(mode="json") if hasattr(request, "model_dump") else request
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(session: AsyncSession, *, scope: str, key: str, request: Any) -> Stored | None:
    """None when this request owns the key (do the work); else the first request's answer."""
    digest = fingerprint(request)
    owned = await session.scalar(
        pg_insert(idempotency_keys)
        .values(scope=scope, key=key, fingerprint=digest)
        .on_conflict_do_nothing()
        .returning(idempotency_keys.c.key)
    )
    if owned is not None:
        return None
    row = (
        await session.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
            )
        )
    ).one()
    if row.fingerprint != digest or row.status is None:
        raise Invalid("该 Idempotency-Key 已用于另一个请求", field=HEADER)
    return Stored(status=row.status, body=row.body)


async def complete(session: AsyncSession, *, scope: str, key: str, status: int, body: Any) -> None:
    """Remember the answer of the request that owns the key (commit it with the effect)."""
    await session.execute(
        update(idempotency_keys)
        .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
        .values(status=status, body=body)
    )


async def forget_before(session: AsyncSession, *, before: datetime) -> int:
    """Drop keys older than `before` (a retry window, e.g. a day); returns how many."""
    result = await session.execute(
        delete(idempotency_keys).where(idempotency_keys.c.created_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)
