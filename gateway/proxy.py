"""Plain pass-through of `/api/<service>/...` to that service (the routing issue hardens it)."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request, Response

from kit.problems import problem

# Per RFC 9110 §7.6.1 these describe one connection, not the message: never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def proxy_router(client: httpx.AsyncClient, service_urls: dict[str, list[str]]) -> APIRouter:
    router = APIRouter()

    @router.api_route(
        "/api/{service}/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def forward(service: str, path: str, request: Request) -> Response:
        bases = service_urls.get(service)
        if not bases:
            return problem(404, detail=f"no service named {service}")
        base = bases[0]
        url = f"{base}/api/{service}/{path}"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            upstream = await client.request(
                request.method,
                url,
                params=request.query_params,
                headers=headers,
                content=await request.body(),
            )
        except httpx.TimeoutException:
            return problem(503, detail=f"{service} did not answer in time")
        except httpx.TransportError:
            return problem(502, detail=f"{service} is unreachable")
        out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(upstream.content, status_code=upstream.status_code, headers=out)

    return router
