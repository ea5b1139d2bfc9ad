"""Open311 GeoReport v2 at /api/petitions/open311/v2 (the gateway's /open311/v2): every
resource in .json and .xml, errors in the spec's own format on these routes only."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from kit import idempotency
from kit.errors import DomainError, Invalid
from services.petitions.deps import Now, Session
from services.petitions.open311 import keys, render, rules, service
from services.petitions.open311.requests import RequestQuery, find, one

CHANGESET = "2026-11-29T00:00:00Z"
BASE = "/open311/v2"
MAX_FIELDS = 200
FORM = "application/x-www-form-urlencoded"


class Open311Route(APIRoute):
    """Answers refusals as Open311 errors in the format the path asks for."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            fmt = rules.format_of(request.url.path)
            try:
                return await handler(request)
            except DomainError as exc:
                return render.errors(fmt, rules.error_code(exc), rules.error_description(exc))
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                where = ".".join(str(p) for p in first.get("loc", ())[1:])
                return render.errors(fmt, 400, f"{where}: {first.get('msg', '请求无效')}")

        return guarded


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)
Optional = str | None


@router.get("/discovery.{fmt}")
async def discovery(fmt: str) -> Response:
    form = rules.parse_format(fmt)
    return render.document(form, "discovery", _discovery())


@router.get("/services.{fmt}")
async def list_services(fmt: str, session: Session, jurisdiction_id: Optional = None) -> Response:
    form = rules.parse_format(fmt)
    community = await service.jurisdiction(session, jurisdiction_id)
    found = await service.services(session=session, community_id=community.id)
    return render.document(form, "services", found)


@router.get("/services/{service_code}.{fmt}")
async def service_definition(
    service_code: str, fmt: str, session: Session, jurisdiction_id: Optional = None
) -> Response:
    form = rules.parse_format(fmt)
    community = await service.jurisdiction(session, jurisdiction_id)
    found = await service.definition(
        session=session, community_id=community.id, service_code=service_code
    )
    return render.document(form, "service_definition", found)


@router.get("/requests.{fmt}")
async def list_requests(
    fmt: str,
    session: Session,
    now: Now,
    jurisdiction_id: Optional = None,
    service_request_id: Optional = None,
    service_code: Optional = None,
    start_date: Optional = None,
    end_date: Optional = None,
    status: Optional = None,
) -> Response:
    form = rules.parse_format(fmt)
    community = await service.jurisdiction(session, jurisdiction_id)
    query = RequestQuery(
        ids=rules.parse_ids(service_request_id, "service_request_id"),
        service_codes=rules.split_list(service_code),
        start=rules.parse_w3c(start_date, "start_date"),
        end=rules.parse_w3c(end_date, "end_date"),
        statuses=rules.parse_statuses(status),
    )
    found = await find(session=session, community_id=community.id, query=query, now=now)
    return render.document(form, "service_requests", found)


@router.post("/requests.{fmt}", status_code=201)
async def create_request(
    fmt: str,
    request: Request,
    session: Session,
    now: Now,
    idempotency_key: Annotated[
        str | None, Header(alias=idempotency.HEADER, pattern=idempotency.KEY_PATTERN)
    ] = None,
) -> Response:
    """A partner's new request, form-encoded, authenticated by its `api_key`."""
    form = rules.parse_format(fmt)
    items = await _form_items(request)
    partner = await keys.partner_of(session, _api_key(items, request))
    scope = f"open311:{partner.id}"
    fingerprint = sorted((k, v) for k, v in items if k != "api_key")
    if idempotency_key is not None:
        stored = await idempotency.claim(
            session, scope=scope, key=idempotency_key, request=fingerprint
        )
        if stored is not None:
            return render.document(form, "service_requests", stored.body, status=stored.status)
    answer = await service.submit(session=session, items=items, partner=partner, now=now)
    if idempotency_key is not None:
        await idempotency.complete(
            session, scope=scope, key=idempotency_key, status=201, body=answer
        )
    await session.commit()
    return render.document(form, "service_requests", answer, status=201)


@router.get("/requests/{request_id}.{fmt}")
async def get_request(
    request_id: str, fmt: str, session: Session, jurisdiction_id: Optional = None
) -> Response:
    form = rules.parse_format(fmt)
    community_id = None
    if jurisdiction_id:
        community_id = (await service.jurisdiction(session, jurisdiction_id)).id
    ids = rules.parse_ids(request_id, "service_request_id")
    if len(ids) != 1:
        raise Invalid("只能查询一个编号", field="service_request_id")
    found = await one(session=session, petition_id=ids[0], community_id=community_id)
    return render.document(form, "service_requests", found)


@router.get("/tokens/{token_id}.{fmt}")
async def get_token(token_id: str, fmt: str, session: Session) -> Response:
    form = rules.parse_format(fmt)
    found = await service.token(session=session, token=token_id)
    return render.document(form, "service_requests", found)


async def _form_items(request: Request) -> list[tuple[str, str]]:
    """The form's fields in order, repeated names kept (multivaluelist answers repeat)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise Invalid(f"请求体应为 {FORM}", field="content-type")
    try:
        text = (await request.body()).decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise Invalid("表单无法解析（UTF-8，字段不超过 200 个）", field="body") from None


def _api_key(items: list[tuple[str, str]], request: Request) -> str:
    """From the form, as the spec says; some clients put it in the query string."""
    return rules.first_values(items).get("api_key") or request.query_params.get("api_key", "")


def _discovery() -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "善治平台运维：请联系区级平台管理员",
        "key_service": "API 密钥由区级管理员为合作平台签发（管理后台 · 合作平台 · API 密钥）",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": BASE,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
