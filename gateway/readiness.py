"""The gateway's readiness: can it do its job now? A broker for pushes, a ready replica each.

Every check is bounded by READY_TIMEOUT and kit runs them concurrently, so `/readyz` answers
within about a second however many upstreams hang. Answers name what is missing, never a
replica's address (the gateway's /readyz is public); addresses go to the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import httpx
from fastapi import FastAPI

from gateway.publisher import PublishFailed
from kit.health import Check

log = logging.getLogger("gateway.readiness")

READY_TIMEOUT = 0.8


def kafka_ready(app: Callable[[], FastAPI], timeout: float = READY_TIMEOUT) -> Check:
    """The ingress producer is connected and a broker answers a metadata request in time."""

    async def check() -> str | None:
        ingress = getattr(app().state, "ingress", None)
        if ingress is None:
            return "partner ingress is not started"
        try:
            async with asyncio.timeout(timeout):
                await ingress.publisher.check_connected()
        except TimeoutError:
            return f"no broker answered within {timeout} s"
        except PublishFailed as exc:
            return str(exc)
        return None

    return check


def service_ready(
    client: httpx.AsyncClient, service: str, urls: Sequence[str], timeout: float = READY_TIMEOUT
) -> Check:
    """At least one replica's /readyz answers 200 in time (all asked at once)."""

    async def check() -> str | None:
        problems = await asyncio.gather(*(_replica_ready(client, url, timeout) for url in urls))
        if any(p is None for p in problems):
            return None
        log.warning("no ready replica", extra={"service": service, "replicas": problems})
        return f"none of {len(urls)} replicas is ready"

    return check


async def _replica_ready(client: httpx.AsyncClient, base_url: str, within: float) -> str | None:
    try:
        async with asyncio.timeout(within):
            answer = await client.get(f"{base_url.rstrip('/')}/readyz")
    except TimeoutError:
        return f"{base_url}: no answer within {within} s"
    except httpx.HTTPError as exc:
        return f"{base_url}: {type(exc).__name__}"
    return None if answer.status_code == 200 else f"{base_url}: readyz {answer.status_code}"
