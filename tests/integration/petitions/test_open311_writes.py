"""Partners' new requests: a form-encoded POST to the gateway's /open311/v2/requests with a
partner api_key issued by identity; refusals are Open311 errors and write nothing.

georeport (the maintained Open311 client on PyPI) only reads, and the PyPI clients that
post (`open311` 1.1, `three` 0.8) are Python 2 only, so the POSTs are made with `requests`
exactly as the GeoReport v2 spec documents them, and read back with georeport."""

from __future__ import annotations

import asyncio
import json
import uuid
import xml.etree.ElementTree as ET
from typing import Any

import requests
from georeport import GeoReport

from services.petitions.cases.models import Petition
from services.petitions.open311.models import Open311Request
from services.petitions.open311.service import partner_author
from tests.integration.petitions.open311_harness import (
    ATTRIBUTES,
    Open311Stack,
    gateway_to,
    o311,
)

__all__ = ["o311"]


async def post(
    base: str, fields: list[tuple[str, str]], fmt: str = "json", **headers: str
) -> requests.Response:
    def send() -> requests.Response:
        return requests.post(f"{base}/requests.{fmt}", data=fields, headers=headers, timeout=10)

    return await asyncio.to_thread(send)


def form(key: str, community: uuid.UUID, **extra: str) -> list[tuple[str, str]]:
    fields = {
        "api_key": key,
        "jurisdiction_id": str(community),
        "service_code": "garbage",
        "lat": "31.21",
        "long": "107.47",
        "description": "楼下垃圾堆了三天 <没人管> & 有异味",
        "attribute[SIZE]": "large",
    } | extra
    return [(k, v) for k, v in fields.items() if v != ""]


async def test_a_partner_posts_a_request_that_becomes_its_public_petition(o311: Open311Stack):
    community = await o311.community()
    await o311.category(community, "garbage", "垃圾清运", attributes=ATTRIBUTES)
    key = await o311.api_key("12345 市民热线")
    fields = [
        *form(key.api_key, community),
        ("attribute[KINDS]", "glass"),
        ("attribute[KINDS]", "paper"),
        ("media_url", "https://partner.example/photo/1.jpg"),
        ("email", "someone@example.com"),
        ("phone", "13912345678"),
        ("first_name", "李"),
        ("device_id", "dev-1"),
    ]
    answer = await post(o311.base, fields)
    assert answer.status_code == 201, answer.text
    (created,) = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert "24 小时" in created["service_notice"]
    petition_id = uuid.UUID(created["service_request_id"])
    async with o311.factory() as session:
        petition = await session.get(Petition, petition_id)
        extras = await session.get(Open311Request, petition_id)
    assert petition is not None and extras is not None
    assert (petition.source, petition.partner_id) == ("open311", key.partner_id)
    assert petition.author_id == partner_author(key.partner_id)
    assert petition.author_name == "12345 市民热线" and petition.visibility == "public"
    assert petition.attributes == {"SIZE": "large", "KINDS": ["glass", "paper"]}
    assert petition.title == "楼下垃圾堆了三天 <没人管> & 有异味" and petition.status == "submitted"
    assert extras.media_url == "https://partner.example/photo/1.jpg"
    kept = json.dumps([repr(vars(petition)), repr(vars(extras))], ensure_ascii=False)
    assert "13912345678" not in kept and "someone@example.com" not in kept
    token = await asyncio.to_thread(
        requests.get, f"{o311.base}/tokens/{petition_id}.json", timeout=10
    )
    assert token.json() == [{"service_request_id": str(petition_id), "token": str(petition_id)}]
    await o311.move(petition_id, "accepted", note="已派环卫")
    geo = GeoReport(o311.base, jurisdiction=str(community), output_format="xml")
    shown = await asyncio.to_thread(geo.get_service_request, str(petition_id))
    assert shown["description"] == "楼下垃圾堆了三天 <没人管> & 有异味"
    assert shown["media_url"] == "https://partner.example/photo/1.jpg"
    assert shown["status_notes"] == "已派环卫" and "市民热线" not in str(shown)


async def test_the_answer_comes_in_xml_when_asked_and_retries_replay_it(o311: Open311Stack):
    community = await o311.community()
    await o311.category(community, "garbage", "垃圾清运", attributes=ATTRIBUTES)
    key = await o311.api_key()
    fields = form(key.api_key, community, lat="", long="", address_string="小北街 5 号")
    first = await post(o311.base, fields, "xml", **{"Idempotency-Key": "retry-1"})
    assert first.status_code == 201 and first.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(first.content)  # noqa: S314 - our own answer
    request_id = root.findtext("request/service_request_id")
    again = await post(o311.base, fields, "json", **{"Idempotency-Key": "retry-1"})
    assert again.status_code == 201 and again.json()[0]["service_request_id"] == request_id
    assert await o311.count(Petition, Petition.community_id == community) == 1
    changed = form(key.api_key, community, description="另一件事")
    reused = await post(o311.base, changed, **{"Idempotency-Key": "retry-1"})
    assert reused.status_code == 400 and reused.json()[0]["code"] == 400


async def refused(o311: Open311Stack, fields: list[tuple[str, str]], fmt: str = "json") -> Any:
    answer = await post(o311.base, fields, fmt)
    if fmt == "xml":
        root = ET.fromstring(answer.content)  # noqa: S314
        return (
            answer.status_code,
            int(root.findtext("error/code") or 0),
            root.findtext("error/description"),
        )
    (error,) = answer.json()
    return answer.status_code, error["code"], error["description"]


async def test_bad_requests_are_open311_errors_and_write_nothing(o311: Open311Stack):
    community = await o311.community()
    await o311.category(community, "garbage", "垃圾清运", attributes=ATTRIBUTES)
    key = await o311.api_key()
    outbox_before = await o311.count(Petition)
    cases = [
        (form("o311_not-a-key", community), 403, "api_key"),
        ([f for f in form(key.api_key, community) if f[0] != "api_key"], 403, "api_key"),
        (form(key.api_key, community, service_code="nope"), 404, "service_code"),
        (form(key.api_key, community, jurisdiction_id=""), 400, "jurisdiction_id"),
        (form(key.api_key, community, lat="", long=""), 400, "lat"),
        (form(key.api_key, community, **{"attribute[SIZE]": "huge"}), 400, "attributes.SIZE"),
        (form(key.api_key, community, **{"attribute[SIZE]": ""}), 400, "attributes.SIZE"),
        (form(key.api_key, community, **{"attribute[COLOR]": "red"}), 400, "attributes.COLOR"),
        (form(key.api_key, community, media_url="javascript:alert(1)"), 400, "media_url"),
        (form(key.api_key, community, description=""), 400, "description"),
    ]
    for fields, code, field in cases:
        for fmt in ("json", "xml"):
            status, error_code, description = await refused(o311, fields, fmt)
            assert (status, error_code) == (code, code), (field, fmt, description)
            assert description.startswith(field), (field, description)
    as_json = await asyncio.to_thread(
        lambda: requests.post(
            f"{o311.base}/requests.json", json=dict(form(key.api_key, community)), timeout=10
        )
    )
    assert as_json.status_code == 400 and as_json.json()[0]["code"] == 400
    assert await o311.count(Petition) == outbox_before
    assert await o311.count(Open311Request) == await o311.count(
        Petition, Petition.source == "open311"
    )


async def test_a_revoked_key_is_refused_once_its_event_arrives(o311: Open311Stack):
    community = await o311.community()
    await o311.category(community, "garbage", "垃圾清运", attributes=ATTRIBUTES)
    key = await o311.api_key()
    assert (await post(o311.base, form(key.api_key, community))).status_code == 201
    await o311.revoke(key, events=2)
    # The issued event once more (a redelivery) must not bring the key back.
    await o311.project(key.partner_id, 2)
    status, code, description = await refused(o311, form(key.api_key, community))
    assert (status, code) == (403, 403) and description.startswith("api_key")
    assert await o311.count(Petition, Petition.community_id == community) == 1


async def test_the_gateway_limits_open311_posts_per_client_ip(o311: Open311Stack):
    community = await o311.community()
    async with gateway_to(o311.petitions_url, rate_limit_open311="2/minute") as url:
        base = f"{url}/open311/v2"
        codes = [(await post(base, form("o311_wrong", community))).status_code for _ in range(3)]
        read = await asyncio.to_thread(requests.get, f"{base}/discovery.json", timeout=10)
    assert codes == [403, 403, 429]
    assert read.status_code == 200  # reads are not counted against the POST window
