"""Open311 documents: XML built by ElementTree (escaped), JSON as the spec lists it."""

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from services.petitions.open311 import render


def test_xml_escapes_markup_in_descriptions():
    data = [{"service_request_id": "1", "description": 'a <b> & "c" </request>', "lat": None}]
    body = render.to_xml("service_requests", data)
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b"<b>" not in body and b"&lt;b&gt; &amp;" in body
    parsed = ET.fromstring(body)  # noqa: S314 - our own output
    (request,) = parsed.findall("request")
    assert request.findtext("description") == 'a <b> & "c" </request>'
    assert request.find("lat") is not None and request.findtext("lat") == ""


def test_xml_lists_repeat_their_item_element_and_booleans_are_lowercase():
    definition = {
        "service_code": "light",
        "attributes": [
            {"code": "A", "required": True, "values": [{"key": "k1", "name": "一"}]},
            {"code": "B", "required": False, "values": []},
        ],
    }
    root = ET.fromstring(render.to_xml("service_definition", definition))  # noqa: S314
    attributes = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attributes] == ["A", "B"]
    assert attributes[0].findtext("required") == "true"
    assert attributes[1].findtext("required") == "false"
    assert attributes[0].findtext("values/value/name") == "一"


def test_errors_follow_the_spec_in_both_formats():
    answer = render.errors("json", 403, "api_key: 无效")
    assert answer.status_code == 403
    assert json.loads(bytes(answer.body)) == [{"code": 403, "description": "api_key: 无效"}]
    xml = render.errors("xml", 400, "lat: <缺>")
    assert xml.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(xml.body)  # noqa: S314
    assert root.tag == "errors"
    assert root.findtext("error/code") == "400"
    assert root.findtext("error/description") == "lat: <缺>"


def test_json_keeps_chinese_and_writes_decimals_as_numbers():
    body = render.to_json([{"service_name": "路灯", "lat": Decimal("31.200000")}])
    assert "路灯" in body.decode()
    assert json.loads(body) == [{"service_name": "路灯", "lat": 31.2}]
