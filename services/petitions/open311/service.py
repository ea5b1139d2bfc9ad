"""Open311 GeoReport v2 over petitions: the jurisdiction (a community), its services (the
community's categories), a partner's new request (a petition it authors), tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Invalid, NotFound
from services.petitions.cases import service as cases
from services.petitions.categories.models import Category
from services.petitions.categories.rules import Attribute, check_answers
from services.petitions.directory.models import Unit
from services.petitions.open311 import rules
from services.petitions.open311.keys import Partner
from services.petitions.open311.models import Open311Request

# The partner is the author of what it sends: one stable id per partner. No resident can
# rate or reopen such a petition (staff close it, or it closes when the rating window ends).
PARTNER_AUTHORS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:shanzhi:open311:partner")
DEFAULT_AUTHOR = "第三方平台"
MAX_DESCRIPTION = 2000


def partner_author(partner_id: str) -> uuid.UUID:
    return uuid.uuid5(PARTNER_AUTHORS, partner_id)


async def jurisdiction(session: AsyncSession, jurisdiction_id: str | None) -> Unit:
    """The community named by `jurisdiction_id` (our Open311 jurisdictions are communities)."""
    if not jurisdiction_id:
        raise Invalid("需提供 jurisdiction_id（社区编号）", field="jurisdiction_id")
    try:
        unit_id = uuid.UUID(jurisdiction_id)
    except ValueError:
        raise NotFound("jurisdiction_id 不存在", field="jurisdiction_id") from None
    unit = await session.get(Unit, unit_id)
    # A community: named so by a resident's event, or given categories by its staff before
    # anyone registered (a town is never a jurisdiction: it has no categories).
    if unit is None or not (unit.is_community or await _has_categories(session, unit_id)):
        raise NotFound("jurisdiction_id 不存在", field="jurisdiction_id")
    return unit


async def _has_categories(session: AsyncSession, community_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Category.id).where(Category.community_id == community_id).limit(1)
    )
    return found is not None


async def services(*, session: AsyncSession, community_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Category)
        .where(Category.community_id == community_id, Category.active)
        .order_by(Category.service_code)
    )
    return [service_out(c) for c in rows]


def service_out(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": category.name,
        "group": rules.GROUPS.get(category.kind, category.kind),
    }


async def category(
    session: AsyncSession, community_id: uuid.UUID, service_code: str | None
) -> Category:
    if not service_code:
        raise Invalid("需提供 service_code", field="service_code")
    found = await session.scalar(
        select(Category).where(
            Category.community_id == community_id,
            Category.service_code == service_code,
            Category.active,
        )
    )
    if found is None:
        raise NotFound("service_code 不存在", field="service_code")
    return found


async def definition(
    *, session: AsyncSession, community_id: uuid.UUID, service_code: str
) -> dict[str, Any]:
    found = await category(session, community_id, service_code)
    attributes = sorted(map(Attribute.of, found.attributes), key=lambda a: (a.order, a.code))
    return {
        "service_code": found.service_code,
        "attributes": [attribute_out(a) for a in attributes],
    }


def attribute_out(attribute: Attribute) -> dict[str, Any]:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": rules.DATATYPE_HINTS.get(attribute.datatype),
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": k, "name": n} for k, n in attribute.values],
    }


async def submit(
    *,
    session: AsyncSession,
    items: list[tuple[str, str]],
    partner: Partner,
    now: datetime,
) -> list[dict[str, Any]]:
    """A petition raised by the partner from a form; the caller commits. Phone, email and
    names of the partner's user are ignored: we do not keep what we do not need."""
    fields = rules.first_values(items)
    community = await jurisdiction(session, fields.get("jurisdiction_id"))
    found = await category(session, community.id, fields.get("service_code"))
    where = rules.location(fields.get("lat"), fields.get("long"), fields.get("address_string"))
    description = _description(fields.get("description"))
    answers = check_answers(found.attributes, rules.attribute_answers(items))
    media_url = _media_url(fields.get("media_url"))
    draft = cases.Draft(
        community_id=community.id,
        community_path=community.path,
        category=found,
        title=rules.title_from(description, found.name),
        content=description,
        lat=where.lat,
        long=where.long,
        address=where.address,
        visibility="public",
        anonymous_on_board=False,
        attributes=answers,
    )
    petition = await cases.submit(
        session=session,
        draft=draft,
        author_id=partner_author(partner.id),
        author_name=(partner.name or DEFAULT_AUTHOR)[:32],
        now=now,
        source="open311",
        partner_id=partner.id,
    )
    session.add(
        Open311Request(
            petition_id=petition.id,
            partner_id=partner.id,
            media_url=media_url,
            device_id=_short(fields.get("device_id")),
            account_id=_short(fields.get("account_id")),
            created_at=now,
        )
    )
    await session.flush()
    notice = f"已提交，社区将在 {found.accept_within_hours} 小时内受理"
    return [
        {
            "service_request_id": str(petition.id),
            "service_notice": notice,
            "account_id": _short(fields.get("account_id")),
        }
    ]


async def token(*, session: AsyncSession, token: str) -> list[dict[str, Any]]:
    """We answer POSTs at once with the request id, so a token is that id: it maps to itself
    for requests raised through Open311."""
    try:
        petition_id = uuid.UUID(token)
    except ValueError:
        raise NotFound("token 不存在", field="token") from None
    if await session.get(Open311Request, petition_id) is None:
        raise NotFound("token 不存在", field="token")
    return [{"service_request_id": str(petition_id), "token": token}]


def _description(value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid("需提供 description（诉求内容）", field="description")
    if len(text) > MAX_DESCRIPTION:
        raise Invalid(f"description 不能超过 {MAX_DESCRIPTION} 字", field="description")
    return text


def _media_url(value: str | None) -> str | None:
    url = (value or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise Invalid("media_url 应为 http(s) 地址", field="media_url")
    return url


def _short(value: str | None) -> str | None:
    return value.strip()[:64] or None if value else None
