"""The partner secrets cache: known partners briefly, unknown ids longer and apart."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.partners import PartnerDirectory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def identity(answers: dict[str, Any], calls: list[str]) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        partner = request.url.path.split("/")[3]
        calls.append(partner)
        if partner not in answers:
            return httpx.Response(404, json={})
        return httpx.Response(200, json=dict(answers[partner]))

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_a_disabled_partner_is_seen_within_two_seconds():
    answers = {"ptn_a": {"partner_id": "ptn_a", "enabled": True, "secrets": ["s1"]}}
    clock = Clock()
    async with identity(answers, []) as client:
        directory = PartnerDirectory(client, ["http://identity"], "internal", clock=clock)
        assert (await directory.lookup("ptn_a")) is not None
        answers["ptn_a"]["enabled"] = False
        clock.now += 2.01
        keys = await directory.lookup("ptn_a")
        assert keys is not None and not keys.enabled


async def test_an_unknown_id_is_asked_once_per_negative_ttl():
    calls: list[str] = []
    clock = Clock()
    async with identity({}, calls) as client:
        directory = PartnerDirectory(client, ["http://identity"], "internal", clock=clock)
        for _ in range(5):
            assert await directory.lookup("ptn_x") is None
            clock.now += 5
        assert calls == ["ptn_x"]
        clock.now += 10
        await directory.lookup("ptn_x")
        assert calls == ["ptn_x", "ptn_x"]


async def test_made_up_ids_do_not_push_known_partners_out_of_the_cache():
    calls: list[str] = []
    answers = {"ptn_a": {"partner_id": "ptn_a", "enabled": True, "secrets": ["s1"]}}
    async with identity(answers, calls) as client:
        directory = PartnerDirectory(
            client, ["http://identity"], "internal", max_entries=3, clock=Clock()
        )
        await directory.lookup("ptn_a")
        for n in range(10):
            await directory.lookup(f"ptn_made_up_{n}")
        await directory.lookup("ptn_a")
        assert calls.count("ptn_a") == 1
