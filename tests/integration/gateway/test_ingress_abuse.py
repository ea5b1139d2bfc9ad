"""Partner ingress under abuse: made-up partners, a disabled partner, floods, twin pushes."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Header, HTTPException

from gateway.ingress_checks import SINGLE, signature_header
from tests.integration.gateway.test_ingress import (
    PARTNERS,
    TOKEN,
    Gateway,
    activity,
    gateway,
    serving,
    settings_for,
)


class Identity:
    """Identity's internal secret lookup, counting the lookups; partners can be disabled."""

    def __init__(self) -> None:
        self.partners = json.loads(json.dumps(PARTNERS))
        self.lookups = 0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/internal/partners/{partner_id}/secrets")
        async def secrets(
            partner_id: str, x_internal_token: Annotated[str, Header()] = ""
        ) -> dict[str, Any]:
            self.lookups += 1
            if x_internal_token != TOKEN:
                raise HTTPException(401)
            if partner_id not in self.partners:
                raise HTTPException(404)
            return dict(self.partners[partner_id])

        return app


@pytest.fixture
async def identity() -> AsyncIterator[tuple[Identity, str]]:
    fake = Identity()
    async with serving(fake.app()) as url:
        yield fake, url


@pytest.fixture
async def gw(kafka: str, topic: str, identity: tuple[Identity, str]) -> AsyncIterator[Gateway]:
    async with gateway(settings_for(kafka, identity[1]), topic) as handle:
        yield handle


async def test_random_partner_ids_from_one_ip_stop_costing_identity_lookups(
    gw: Gateway, identity: tuple[Identity, str]
):
    fake, _ = identity
    answers = [
        await gw.push(activity(), partner=f"ptn_{uuid.uuid4().hex[:12]}") for _ in range(200)
    ]
    statuses = [a.status_code for a in answers]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {429}
    assert int(answers[-1].headers["retry-after"]) > 0
    assert fake.lookups <= 20
    assert await gw.on_topic() == 0


async def test_an_ip_over_its_failures_is_refused_before_its_body_is_read(gw: Gateway):
    for _ in range(20):
        assert (await gw.push(activity(), secret="guessed")).status_code == 401
    # Content-Length says 3 MiB and none follows: only a check made before reading answers.
    headers = {
        "X-Partner-Id": "ptn_good",
        "X-Signature": signature_header("new-secret", b"{}", timestamp=int(time.time())),
        "Content-Type": SINGLE,
        "Content-Length": str(3 * 1024 * 1024),
    }
    answer = await gw.client.post("/webhooks/volunteer", content=b"", headers=headers)
    assert answer.status_code == 429


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Partner-Id": "ptn_good"},
        {"X-Partner-Id": "../admin", "X-Signature": "t=1,v1=00"},
        {"X-Signature": f"t={int(time.time())},v1=00"},
    ],
)
async def test_malformed_partner_headers_are_refused_before_the_body_is_read(
    gw: Gateway, headers: dict[str, str]
):
    big = {**headers, "Content-Type": SINGLE, "Content-Length": str(3 * 1024 * 1024)}
    answer = await gw.client.post("/webhooks/volunteer", content=b"", headers=big)
    assert answer.status_code == 401


async def test_a_disabled_partner_is_refused_within_two_seconds(
    gw: Gateway, identity: tuple[Identity, str]
):
    fake, _ = identity
    assert (await gw.push(activity())).status_code == 202
    fake.partners["ptn_good"]["enabled"] = False
    await asyncio.sleep(2.1)
    assert (await gw.push(activity())).status_code == 401


async def test_a_partner_over_its_push_limit_gets_429(
    kafka: str, topic: str, identity: tuple[Identity, str]
):
    limits = {"webhook_rate_limit_partner": "3/minute"}
    limited = settings_for(kafka, identity[1]).model_copy(update=limits)
    async with gateway(limited, topic) as gw:
        answers = [await gw.push(activity()) for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[-1].headers["retry-after"]) > 0


async def test_two_copies_sent_at_the_same_instant_are_published_once(gw: Gateway):
    event = activity("evt-twins")
    first, second = await asyncio.gather(gw.push(event), gw.push(event))
    assert (first.status_code, second.status_code) == (202, 202)
    bodies = [first.json(), second.json()]
    assert sorted((b["accepted"], b["duplicates"]) for b in bodies) == [(0, 1), (1, 0)]
    await gw.records(1)
    assert await gw.on_topic() == 1
