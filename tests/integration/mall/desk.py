"""Helpers of counter-redemption tests: a member code from identity, the counter check that
identity's event leaves in the mall, the call itself, and the saga pumped beside a call."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import update

from kit.db import unit_of_work
from kit.phone import counter_check
from services.mall.directory.models import Resident
from tests.integration.mall.conftest import MallHarness, Person, Shelf

LAST4 = "002X"
PATH = "/api/mall/counter-redemptions"


async def member_code(mall: MallHarness, who: Person) -> str:
    answer = await mall.identity.client.get("/api/identity/me/member-code", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["code"])


async def with_counter_check(mall: MallHarness, who: Person, last4: str = LAST4) -> None:
    """What identity's resident.verified event leaves in the mall directory."""
    key = mall.app.state.mall_settings.phone_hash_key.get_secret_value()
    async with unit_of_work(mall.session_factory) as session:
        check = counter_check(key, who.phone, last4)
        await session.execute(
            update(Resident).where(Resident.id == who.id).values(counter_check=check)
        )
        await session.commit()


async def redeem(
    mall: MallHarness, operator: Person, shelf: Shelf, quantity: int = 1, **way: Any
) -> httpx.Response:
    key = way.pop("key", None)
    body = {"counter_id": str(shelf.counter_id), "item_id": str(shelf.item_id), **way}
    body["quantity"] = quantity
    headers = {**operator.headers, **({"Idempotency-Key": key} if key else {})}
    return await mall.client.post(PATH, json=body, headers=headers)


async def pumped(mall: MallHarness, call: Any) -> httpx.Response:
    """`call` while the saga runs beside it, as the relay and consumers would."""

    async def pump_forever() -> None:
        while True:
            await mall.pump()
            await asyncio.sleep(0.02)

    pumping = asyncio.create_task(pump_forever())
    try:
        answer: httpx.Response = await call
    finally:
        pumping.cancel()
        await asyncio.gather(pumping, return_exceptions=True)
    await mall.pump()
    return answer


def slow_points(mall: MallHarness, seconds: float = 0.3) -> None:
    settings = mall.app.state.mall_settings
    mall.app.state.mall_settings = settings.model_copy(update={"counter_wait_seconds": seconds})
