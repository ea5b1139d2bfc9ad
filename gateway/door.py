"""The gateway's front door for proxied requests: one flat pass instead of a middleware stack.

A request for `/api/<service>/...` (or Open311's door) is answered here, outside Starlette's
stack: the request id, the edge check, the forward, the security headers and the metrics,
each done once, with one wrapper around `send`. Every other request goes on to the app's own
stack, where kit's and the gateway's middlewares do the same for the gateway's own routes.

Access lines (uvicorn's are off in the gateway): the service that answers a proxied request
logs it under the same request id, so for those the door logs only what matters to operators
and the service cannot say: 429s, 5xx answers and answers slower than SLOW_SECONDS. The
gateway's own routes get a line each. Every request is counted in `http_requests_total` and
`http_request_duration_seconds` either way.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.edge import EdgeGuard
from gateway.headers import NO_STORE_PREFIX, secured
from kit import metrics, tracing
from kit.logging import mask_query, new_request_id, request_id_var
from kit.middleware import incoming_request_id
from kit.problems import problem

if TYPE_CHECKING:  # gateway.proxy installs the door
    from gateway.proxy import ProxiedRoute, ProxyDispatch

log = logging.getLogger("gateway.door")

SLOW_SECONDS = 1.0


class Door:
    """Outermost ASGI layer of the gateway (see the module's docstring)."""

    def __init__(
        self, app: ASGIApp, *, dispatch: ProxyDispatch, guard: EdgeGuard, service: str
    ) -> None:
        self.app = app
        self.dispatch = dispatch
        self.guard = guard
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.dispatch.table.route(scope["path"])
        if route is None:
            await self._own_route(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = incoming_request_id(scope) or new_request_id()
        token = request_id_var.set(request_id)
        stamp = (b"x-request-id", request_id.encode("latin-1"))
        no_store = scope["path"].startswith(NO_STORE_PREFIX)
        status = 0

        async def send_down(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = secured(list(message.get("headers", ())), no_store)
                headers.append(stamp)
                message = {"type": "http.response.start", "status": status, "headers": headers}
            await send(message)

        try:
            await self._answer(route, scope, receive, send_down)
        except Exception:
            log.exception("unhandled error in the proxy")
            if status:
                raise  # cut off mid-answer: the client sees the connection end
            await problem(500)(scope, receive, send_down)
        finally:
            seconds = time.perf_counter() - started
            metrics.observe_request(
                self.service, scope["method"], route.path, status or 500, seconds
            )
            if status >= 500 or status == 429 or seconds >= SLOW_SECONDS:
                self._access_line(scope, status, seconds)
            request_id_var.reset(token)

    async def _answer(
        self, route: ProxiedRoute, scope: Scope, receive: Receive, send: Send
    ) -> None:
        scope["route"] = route
        with tracing.serving(scope["method"], route.path, _traceparent(scope)):
            refusal = await self.guard.screen(scope)
            if refusal is not None:
                await refusal(scope, receive, send)
            else:
                await self.dispatch.handle(route, scope, receive, send)

    async def _own_route(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The gateway's own routes (the home screen, partner pushes, the front ends, probes)
        go on to the app's stack; each gets its access line, as uvicorn's used to."""
        started = time.perf_counter()
        status = 0

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            self._access_line(scope, status or 500, time.perf_counter() - started)

    def _access_line(self, scope: Scope, status: int, seconds: float) -> None:
        query = scope.get("query_string", b"").decode("latin-1")
        path = mask_query(scope["path"] + (f"?{query}" if query else ""))
        log.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "%s %s %d",
            scope["method"],
            path,
            status,
            extra={"status": status, "duration_ms": round(seconds * 1000, 1)},
        )


def _traceparent(scope: Scope) -> str | None:
    if not tracing.enabled():
        return None
    value = next((v for k, v in scope["headers"] if k == b"traceparent"), None)
    return value.decode("latin-1") if value is not None else None
