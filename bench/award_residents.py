"""P1a's residents: a few registered and signed in through the gateway (tracked), the others
announced to points as identity announces a registration (a ResidentRegistered event on
identity.events keyed by the phone hash): their wallets are points' own, and registering each
through the API would cost ~0.3 s of argon2 on a machine the measurement shares."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bench.kit_throughput import require
from contracts.identity import ResidentRegistered
from kit.db import asyncpg_dsn
from kit.events import new_event, serialize
from kit.kafka import make_producer
from kit.phone import phone_hash
from tests.e2e.platform import SHARED_SECRETS, Platform
from tests.e2e.scene import Scene


@dataclass
class Residents:
    phones: list[str]  # the generator's phone index is the index here; tracked ones first
    ids: list[uuid.UUID]
    tracked: int  # the first `tracked` phones and ids: registered and signed in via the API

    async def sign_in(self, scene: Scene) -> dict[uuid.UUID, dict[str, str]]:
        """Fresh bearer headers of the tracked residents (an access token lasts 15 minutes)."""
        pairs = zip(self.ids[: self.tracked], self.phones[: self.tracked], strict=True)
        return {resident: await scene.login(phone) for resident, phone in pairs}


async def residents(platform: Platform, scene: Scene, count: int, tracked: int) -> Residents:
    signed_up = [f"135{i:08d}" for i in range(tracked)]
    await asyncio.gather(*(scene.register(p, f"志愿者{i}") for i, p in enumerate(signed_up)))
    dsn = asyncpg_dsn(platform.databases["points"])
    announced = [f"134{i:08d}" for i in range(count - tracked)]
    path = await _wait_one(
        dsn,
        "SELECT community_path FROM accounts WHERE community_id = $1 "
        "AND community_path IS NOT NULL LIMIT 1",
        uuid.UUID(scene.community_id),
    )
    await announce(platform.broker.bootstrap, scene.community_id, path, announced)
    phones = signed_up + announced
    hashes = [phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], p) for p in phones]
    wallets = await wallets_of(dsn, hashes)
    ids = [wallets[h] for h in hashes]
    print(
        f"P1a {count} residents: {tracked} registered and signed in through the gateway "
        f"(tracked), {len(announced)} announced to points by ResidentRegistered events"
    )
    return Residents(phones, ids, tracked)


async def announce(bootstrap: str, community: str, path: str, phones: list[str]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        sends = []
        for n, phone in enumerate(phones):
            digest = phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], phone)
            data = ResidentRegistered(
                resident_id=str(uuid.uuid4()),
                community_id=community,
                community_path=path,
                name=f"居民{n}",
                phone_hash=digest,
                registered_at=datetime.now(UTC),
            )
            event = new_event(data, source="/services/identity", subject=digest)
            sends.append(await producer.send(data.topic, serialize(event), key=digest.encode()))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def _wait_one(dsn: str, sql: str, *args: Any, timeout: float = 60) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while (value := await conn.fetchval(sql, *args)) is None:
            require(time.monotonic() < deadline, f"nothing for {sql!r} in {timeout:g} s")
            await asyncio.sleep(0.2)
        return value
    finally:
        await conn.close()


async def wallets_of(dsn: str, hashes: list[str], timeout: float = 120) -> dict[str, uuid.UUID]:
    """phone hash → resident id, once points has opened every wallet."""
    sql = "SELECT phone_hash, resident_id FROM accounts WHERE phone_hash = ANY($1::text[])"
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while len(rows := await conn.fetch(sql, hashes)) < len(hashes):
            require(time.monotonic() < deadline, f"{len(rows)} of {len(hashes)} wallets opened")
            await asyncio.sleep(0.5)
        return {r["phone_hash"]: r["resident_id"] for r in rows}
    finally:
        await conn.close()
