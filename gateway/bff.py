"""The phone home screen in one call: sections gathered concurrently, a slow one degraded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.config import Settings
from kit.problems import problem

Fetch = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[Any]]


def _section(
    service: str, path: str, pick: Callable[[Any], Any] = lambda body: body
) -> Callable[[Settings], Fetch]:
    """A section read from `/api/{service}{path}` (path "" or starting with "/" or "?")."""

    def bind(settings: Settings) -> Fetch:
        async def fetch(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
            bases = settings.urls_of(service)
            if not bases:
                raise LookupError(f"no {service} service")
            answer = await client.get(f"{bases[0]}/api/{service}{path}", headers=headers)
            answer.raise_for_status()
            return pick(answer.json())

        return fetch

    return bind


SECTIONS: dict[str, Callable[[Settings], Fetch]] = {
    "profile": _section("identity", "/me"),
    "points": _section("points", "/accounts/me"),
    "rank": _section("points", "/accounts/me/rank?period=month"),
    "inbox_unread": _section("notices", "/inbox/unread-count", lambda b: b.get("unread")),
    "open_petitions": _section("petitions", "?mine=true&status=open&limit=3", lambda b: b["items"]),
    "pinned_notices": _section("notices", "/pinned", lambda b: b["items"]),
    # Confirmed orders waiting at the counter, newest first: the code shows on the phone.
    "pickup_orders": _section(
        "mall", "/orders?mine=true&status=confirmed&limit=5", lambda b: b["items"]
    ),
}


async def _gather(
    client: httpx.AsyncClient, settings: Settings, headers: dict[str, str]
) -> dict[str, Any]:
    async def one(fetch: Fetch) -> Any:
        return await asyncio.wait_for(fetch(client, headers), settings.bff_section_timeout_seconds)

    names = list(SECTIONS)
    results = await asyncio.gather(
        *(one(SECTIONS[n](settings)) for n in names), return_exceptions=True
    )
    return dict(zip(names, results, strict=True))


def _points_section(points: Any, rank: Any) -> dict[str, Any] | None:
    if points is None:
        return None
    return {
        "available": points["available"],
        "balance": points["balance"],
        "held": points.get("held", 0),
        "debt": points.get("debt", 0),
        "rank_this_month": None if rank is None else rank.get("rank"),
    }


def bff_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["phone"])

    @router.get("/api/me/home")
    async def home(request: Request) -> JSONResponse:
        """Profile, points and this month's rank, unread inbox, own open petitions, pinned
        notices, orders awaiting pickup. A section whose service is slow, down or not there
        yet is null and named in `degraded`; the answer is still 200, within a bounded time."""
        authorization = request.headers.get("authorization")
        if not authorization:
            return problem(401, detail="需要登录", headers={"WWW-Authenticate": "Bearer"})
        client: httpx.AsyncClient = request.app.state.bff_client
        forwarded = {
            "authorization": authorization,
            "x-request-id": request.headers.get("x-request-id", ""),
        }
        results = await _gather(client, settings, {k: v for k, v in forwarded.items() if v})
        degraded = sorted(n for n, r in results.items() if isinstance(r, BaseException))
        unauthorised = isinstance(results["profile"], httpx.HTTPStatusError) and (
            results["profile"].response.status_code == 401
        )
        if unauthorised:
            return problem(401, detail="登录已过期", headers={"WWW-Authenticate": "Bearer"})
        body = {n: None if isinstance(r, BaseException) else r for n, r in results.items()}
        body["points"] = _points_section(body.pop("points"), body.pop("rank"))
        if "rank" in degraded:
            degraded.remove("rank")
            if "points" not in degraded:
                degraded.append("points.rank")
        return JSONResponse({**body, "degraded": sorted(degraded)})

    return router
