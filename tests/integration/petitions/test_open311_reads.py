"""Open311 reads through the gateway's /open311/v2 with a third-party client (georeport, from
PyPI) in JSON and XML: discovery, services, definitions, the board's requests and filters."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
from georeport import GeoReport

from tests.integration.petitions.open311_harness import ATTRIBUTES, Open311Stack, o311

__all__ = ["o311"]


def client(o311: Open311Stack, community: uuid.UUID, fmt: str) -> GeoReport:
    return GeoReport(o311.base, jurisdiction=str(community), output_format=fmt)


async def test_discovery_names_the_endpoint_in_both_formats(o311: Open311Stack):
    async with httpx.AsyncClient(base_url=o311.base, trust_env=False) as http:
        found = await http.get("/discovery.json")
        xml = await http.get("/discovery.xml")
    assert found.status_code == 200 and found.headers["content-type"].startswith("application/json")
    (endpoint,) = found.json()["endpoints"]
    assert endpoint["formats"] == ["application/json", "text/xml"]
    assert endpoint["url"] == "/open311/v2" and found.json()["key_service"]
    # The gateway's manners hold on this door too: a request id and the security headers.
    assert found.headers["x-request-id"] and found.headers["x-content-type-options"] == "nosniff"
    assert xml.headers["content-type"].startswith("text/xml")
    assert b"<format>text/xml</format>" in xml.content and xml.content.startswith(b"<?xml")


async def test_services_and_definitions_in_json_and_xml_via_georeport(o311: Open311Stack):
    community = await o311.community()
    await o311.category(community, "garbage", "垃圾清运", attributes=ATTRIBUTES, description="乱堆")
    await o311.category(community, "light", "路灯维修")
    other = await o311.community()
    await o311.category(other, "elsewhere", "别处的类别")
    as_json = client(o311, community, "json")
    services = await asyncio.to_thread(as_json.get_service_list)
    assert [s["service_code"] for s in services] == ["garbage", "light"]
    garbage = services[0]
    assert garbage["service_name"] == "垃圾清运" and garbage["description"] == "乱堆"
    assert garbage["metadata"] is True and services[1]["metadata"] is False
    assert garbage["type"] == "realtime" and garbage["group"] == "诉求"
    definition = await asyncio.to_thread(as_json.get_service_definition, "garbage")
    assert [a["code"] for a in definition["attributes"]] == ["KINDS", "SIZE"]  # by order
    size = definition["attributes"][1]
    assert size["variable"] is True and size["required"] is True
    assert size["datatype"] == "singlevaluelist" and size["datatype_description"]
    assert size["values"] == [{"key": "small", "name": "少量"}, {"key": "large", "name": "大量"}]
    as_xml = client(o311, community, "xml")
    listed = await asyncio.to_thread(as_xml.get_service_list)
    assert [s["service_code"] for s in listed] == ["garbage", "light"]
    assert listed[0]["metadata"] == "true" and listed[1]["metadata"] == "false"
    xml_definition = await asyncio.to_thread(as_xml.get_service_definition, "garbage")
    attributes = xml_definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes] == ["KINDS", "SIZE"]
    assert attributes[1]["values"]["value"][1] == {"key": "large", "name": "大量"}


async def test_unknown_jurisdiction_or_service_code_are_open311_errors(o311: Open311Stack):
    community = await o311.community()
    async with httpx.AsyncClient(base_url=o311.base, trust_env=False) as http:
        missing = await http.get("/services.json")
        unknown = await http.get("/services.xml", params={"jurisdiction_id": str(uuid.uuid4())})
        code = await http.get("/services/nope.json", params={"jurisdiction_id": str(community)})
        fmt = await http.get("/services.html", params={"jurisdiction_id": str(community)})
        town = await http.get("/services.json", params={"jurisdiction_id": o311.town})
    assert missing.status_code == 400
    assert (
        missing.json()[0]["code"] == 400 and "jurisdiction_id" in missing.json()[0]["description"]
    )
    assert unknown.status_code == 404 and b"<errors><error><code>404</code>" in unknown.content
    assert code.status_code == 404 and code.json()[0]["code"] == 404
    assert fmt.status_code == 404
    assert town.status_code == 404  # a town is a unit petitions knows, not a jurisdiction


async def test_requests_show_only_the_public_board_of_the_jurisdiction(o311: Open311Stack):
    community = await o311.community()
    light = await o311.category(community, "light", "路灯维修")
    shown = await o311.resident_petition(light, content="路灯坏了 <b>&</b>", author_name="张秀英")
    await o311.move(shown, "accepted", note="已受理，明天派人")
    await o311.move(shown, "in_progress", note="内部：联系电工", public=False)
    waiting = await o311.resident_petition(light)  # submitted: not on the board yet
    private = await o311.resident_petition(light, visibility="private")
    await o311.move(private, "accepted")
    rejected = await o311.resident_petition(light)
    await o311.move(rejected, "rejected", note="不属实")
    elsewhere = await o311.community()
    theirs = await o311.resident_petition(await o311.category(elsewhere, "light", "路灯"))
    await o311.move(theirs, "accepted")
    found = await asyncio.to_thread(client(o311, community, "json").get_service_requests)
    assert [r["service_request_id"] for r in found] == [str(shown)]
    request = found[0]
    assert request["status"] == "open" and request["status_notes"] == "已受理，明天派人"
    assert request["service_code"] == "light" and request["service_name"] == "路灯维修"
    assert request["description"] == "路灯坏了 <b>&</b>"
    assert request["lat"] == 31.21 and request["long"] == 107.47
    assert request["address"] == "小北街 3 号" and request["requested_datetime"].endswith("Z")
    assert "张" not in str(request) and "联系电工" not in str(request)
    as_xml = client(o311, community, "xml")
    one = await asyncio.to_thread(as_xml.get_service_request, str(shown))
    assert one["description"] == "路灯坏了 <b>&</b>" and one["status"] == "open"
    for hidden in (waiting, private, rejected, theirs):
        async with httpx.AsyncClient(base_url=o311.base, trust_env=False) as http:
            answer = await http.get(
                f"/requests/{hidden}.json", params={"jurisdiction_id": str(community)}
            )
        assert answer.status_code == 404 and answer.json()[0]["code"] == 404


async def test_request_filters_follow_the_spec(o311: Open311Stack):
    community = await o311.community()
    light = await o311.category(community, "light", "路灯维修")
    road = await o311.category(community, "road", "道路")
    now = o311.clock()
    old = await o311.resident_petition(light, at=now - timedelta(days=120))
    lit = await o311.resident_petition(light, at=now - timedelta(days=2))
    paved = await o311.resident_petition(road, at=now - timedelta(days=1))
    for petition in (old, lit, paved):
        await o311.move(petition, "accepted")
    await o311.move(paved, "closed", note="已修好")
    geo = client(o311, community, "json")

    async def ids(**filters: str) -> list[str]:
        found = await asyncio.to_thread(geo.get_service_requests, **filters)
        return [r["service_request_id"] for r in found]

    assert await ids() == [str(paved), str(lit)]  # the last 90 days, newest first
    assert await ids(service_code="road") == [str(paved)]
    assert await ids(service_code="road,light") == [str(paved), str(lit)]
    assert await ids(status="closed") == [str(paved)]
    assert await ids(status="open") == [str(lit)]
    start = (now - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert await ids(start_date=start, end_date=end) == [str(old)]
    assert await ids(service_request_id=f"{old},{paved}") == [str(paved), str(old)]
    closed = await asyncio.to_thread(geo.get_service_request, str(paved))
    assert closed["status"] == "closed" and closed["status_notes"] == "已修好"
    async with httpx.AsyncClient(base_url=o311.base, trust_env=False) as http:
        params = {"jurisdiction_id": str(community)}
        wide = await http.get("/requests.json", params={**params, "start_date": start})
        too_long = await http.get(
            "/requests.xml",
            params={**params, "start_date": start, "end_date": now.isoformat()},
        )
        bad = await http.get("/requests.json", params={**params, "status": "pending"})
    assert wide.status_code == 200
    assert too_long.status_code == 400 and b"<code>400</code>" in too_long.content
    assert bad.status_code == 400 and bad.json()[0]["description"].startswith("status")
