"""Open311 documents in JSON or XML (the stdlib's ElementTree escapes every text), and the
spec's error document."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from fastapi.responses import Response

from services.petitions.open311.rules import Format

MEDIA_TYPES: dict[Format, str] = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
# The element each list's items are written as, by the list's own element.
ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}


def to_xml(root: str, data: Any) -> bytes:
    """`data` as an XML document with `root` as its element; lists repeat ITEMS[tag]."""
    element = ET.Element(root)
    _fill(element, data)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEMS[element.tag]), item)
    elif value is not None:
        element.text = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_json_default).encode()


def document(fmt: Format, root: str, data: Any, *, status: int = 200) -> Response:
    """The answer in the asked format; `root` names the XML root (a list's or an object's)."""
    body = to_xml(root, data) if fmt == "xml" else to_json(data)
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt])


def errors(fmt: Format, code: int, description: str) -> Response:
    """The spec's error document: `[{"code", "description"}]` or `<errors><error>…`."""
    return document(fmt, "errors", [{"code": code, "description": description}], status=code)
