"""Partner ingress: `POST /webhooks/volunteer`, signed pushes checked and put on volunteer.events.

app.py wires it: `app.include_router(ingress_router(settings))`, and in the lifespan
`await start_ingress(app, settings)` ... `await stop_ingress(app)`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from contracts.volunteer import ActivityCompleted
from gateway.config import Settings
from gateway.dedupe import EventKey, InFlight, SeenEvents
from gateway.edge import client_ip
from gateway.ingress_checks import (
    BATCH,
    SINGLE,
    BusEvent,
    NotAuthenticated,
    PushAnswer,
    Rules,
    Signature,
    check_timestamp,
    parse_push,
    parse_signature,
    signed_by_any,
)
from gateway.limits import PushLimits
from gateway.partners import PARTNER_ID, IdentityUnavailable, PartnerDirectory, PartnerKeys
from gateway.publisher import RETRY_AFTER_SECONDS, Publisher, PublishFailed
from kit.events import serialize

log = logging.getLogger("gateway.ingress")

DEFAULT_TOPIC = ActivityCompleted.topic
IDENTITY_TIMEOUT_SECONDS = 3.0


@dataclass
class Ingress:
    """What the route needs at run time, kept on `app.state.ingress`."""

    publisher: Publisher
    partners: PartnerDirectory
    seen: SeenEvents
    inflight: InFlight
    limits: PushLimits
    client: httpx.AsyncClient


async def start_ingress(app: FastAPI, settings: Settings) -> None:
    """The identity client and the Kafka producer (Kafka down: started on a later push)."""
    timeout = httpx.Timeout(
        IDENTITY_TIMEOUT_SECONDS, connect=settings.upstream_connect_timeout_seconds
    )
    client = httpx.AsyncClient(timeout=timeout)
    token = settings.internal_api_token.get_secret_value()
    publisher = Publisher(settings.kafka_bootstrap_servers)
    app.state.ingress = Ingress(
        publisher=publisher,
        partners=PartnerDirectory(client, settings.urls_of("identity"), token),
        seen=SeenEvents(settings.webhook_dedupe_hours * 3600.0),
        inflight=InFlight(),
        limits=PushLimits.from_settings(settings),
        client=client,
    )
    await publisher.start()


async def stop_ingress(app: FastAPI) -> None:
    ingress: Ingress | None = getattr(app.state, "ingress", None)
    if ingress is None:
        return
    try:
        await ingress.publisher.stop()
    finally:
        await ingress.client.aclose()


_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            SINGLE: {"schema": {"type": "object", "description": "one CloudEvent 1.0"}},
            BATCH: {"schema": {"type": "array", "items": {"type": "object"}}},
        },
    }
}


def ingress_router(settings: Settings, *, topic: str = DEFAULT_TOPIC) -> APIRouter:
    router = APIRouter(tags=["partner ingress"])

    @router.post(
        "/webhooks/volunteer",
        status_code=202,
        response_model=PushAnswer,
        summary="A partner platform pushes completed volunteer activities (signed CloudEvents)",
        openapi_extra=_BODY_DOC,
    )
    async def receive_volunteer_push(
        request: Request,
        x_partner_id: Annotated[str, Header(description="the partner's id")] = "",
        x_signature: Annotated[str, Header(description="t=<unix s>,v1=<hex HMAC>")] = "",
    ) -> Response:
        ingress = _ingress_of(request)
        ip = client_ip(request.scope)
        signature = await _screen(ingress, ip, x_partner_id, x_signature, settings)
        body = await _read_body(request, settings.max_body_bytes)
        await _authenticate_counted(ingress, ip, x_partner_id, signature, body)
        wait = await ingress.limits.partner_wait(x_partner_id)
        if wait is not None:
            raise _too_many(wait)
        rules = _rules(settings, x_partner_id)
        push = parse_push(body, request.headers.get("content-type"), rules)
        duplicates = await _publish_new(ingress, topic, x_partner_id, push.events)
        answer = PushAnswer(
            accepted=len(push.events) - duplicates,
            duplicates=duplicates,
            rejected=push.rejected,
        )
        counts = {"accepted": answer.accepted, "duplicates": duplicates}
        counts["rejected"] = len(push.rejected)  # indexes and fields only in the answer
        log.info("volunteer push", extra={"partner_id": x_partner_id, **counts})
        return JSONResponse(answer.model_dump(), status_code=202)

    return router


def _ingress_of(request: Request) -> Ingress:
    ingress: Ingress | None = getattr(request.app.state, "ingress", None)
    if ingress is None:
        raise _unavailable("partner ingress is not started")
    return ingress


async def _screen(
    ingress: Ingress, ip: str, partner_id: str, header: str, settings: Settings
) -> Signature:
    """The headers, then this IP's refused pushes so far: neither needs the body."""
    try:
        if not PARTNER_ID.match(partner_id):
            raise NotAuthenticated("X-Partner-Id is missing or malformed")
        signature = parse_signature(header)
        check_timestamp(signature, now=time.time(), tolerance=settings.webhook_tolerance_seconds)
    except NotAuthenticated:
        await ingress.limits.count_failure(ip)
        raise
    wait = await ingress.limits.ip_blocked(ip)
    if wait is not None:
        log.info("volunteer push refused", extra={"partner_id": partner_id, "why": "ip limit"})
        raise _too_many(wait)
    return signature


async def _authenticate_counted(
    ingress: Ingress, ip: str, partner_id: str, signature: Signature, body: bytes
) -> None:
    try:
        await _authenticate(ingress.partners, partner_id, signature, body)
    except NotAuthenticated:
        await ingress.limits.count_failure(ip)
        raise


def _rules(settings: Settings, partner_id: str) -> Rules:
    return Rules(
        partner_id=partner_id,
        phone_hash_key=settings.phone_hash_key.get_secret_value(),
        now=datetime.now(UTC),
        tolerance=timedelta(seconds=settings.webhook_tolerance_seconds),
        batch_max=settings.webhook_batch_max,
    )


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, detail=f"the body may hold at most {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, detail=f"the body may hold at most {limit} bytes")
    return bytes(body)


async def _authenticate(
    partners: PartnerDirectory, partner_id: str, signature: Signature, body: bytes
) -> None:
    """Known, enabled, and signed with one of its secrets; else 401 saying not which."""
    try:
        keys = await partners.lookup(partner_id)
        if not _signed(keys, signature, body) and keys is not None and keys.enabled:
            # A secret rotated within the cache's lifetime: ask identity again (rate-bounded).
            keys = await partners.lookup(partner_id, refresh=True)
    except IdentityUnavailable as exc:
        log.warning("partner ingress: %s", exc)
        raise _unavailable("partner secrets cannot be checked now") from exc
    if not _signed(keys, signature, body):
        reason = "unknown" if keys is None else "disabled" if not keys.enabled else "signature"
        log.info("volunteer push refused", extra={"partner_id": partner_id[:64], "why": reason})
        raise NotAuthenticated("unknown or disabled partner, or a signature that does not match")


def _signed(keys: PartnerKeys | None, signature: Signature, body: bytes) -> bool:
    return keys is not None and keys.enabled and signed_by_any(signature, body, keys.secrets)


async def _publish_new(
    ingress: Ingress, topic: str, partner_id: str, events: list[BusEvent]
) -> int:
    """Put the events not seen nor in flight on the bus, acknowledged; returns how many were.

    A copy of an event another push is publishing right now waits for that push's outcome:
    a duplicate once acknowledged, a 503 (retry) if not.
    """
    fresh: dict[EventKey, BusEvent] = {}
    for event in events:
        key = (partner_id, event.envelope.id)
        if key not in ingress.seen:
            fresh.setdefault(key, event)
    mine, theirs = ingress.inflight.claim(fresh)
    with ingress.inflight.publishing(mine):
        await _publish(ingress, topic, [fresh[key] for key in mine])
        ingress.seen.remember(mine)
    if not all(await asyncio.gather(*(asyncio.shield(t) for t in theirs))):
        raise _unavailable("the event bus cannot take the push now")
    return len(events) - len(mine)


async def _publish(ingress: Ingress, topic: str, events: list[BusEvent]) -> None:
    records = [(e.key.encode(), serialize(e.envelope)) for e in events]
    try:
        await ingress.publisher.publish(topic, records)
    except PublishFailed as exc:
        # The whole push is refused: some records may be on the bus, and a retry repeats them;
        # the dedupe (not yet told) lets them through and points drops the copies.
        log.warning("partner ingress: %d events not acknowledged: %s", len(records), exc)
        raise _unavailable("the event bus cannot take the push now") from exc


def _too_many(wait: int) -> HTTPException:
    return HTTPException(
        429, detail="too many pushes; retry later", headers={"Retry-After": str(wait)}
    )


def _unavailable(detail: str) -> HTTPException:
    return HTTPException(503, detail=detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
