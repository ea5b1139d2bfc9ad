"""Pure ASGI middleware (safe for streamed bodies): request id in and out, request metrics."""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kit import metrics
from kit.logging import new_request_id, request_id_var

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    """Takes a sane `X-Request-ID` or makes one, logs with it, echoes it, counts the request."""

    def __init__(self, app: ASGIApp, *, service: str, api_prefix: str = "") -> None:
        self.app = app
        self.service = service
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or new_request_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            self._observe(scope, status, time.perf_counter() - started)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        template = self._route_template(scope)
        metrics.observe_request(self.service, scope.get("method", ""), template, status, seconds)

    def _route_template(self, scope: Scope) -> str:
        """The matched route's template (bounded label values), with the router's prefix."""
        route = scope.get("route")
        path = getattr(route, "path", None)
        if path is None:
            return "unmatched"
        # FastAPI reports included routes without the prefix they were included under.
        if scope.get("path", "").startswith(self.api_prefix) and not path.startswith(
            self.api_prefix
        ):
            return f"{self.api_prefix}{path}"
        return str(path)


def incoming_request_id(scope: Scope) -> str | None:
    """The caller's `X-Request-ID` if it is sane (safe to log and to send on), else None."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            return text if _REQUEST_ID.match(text) else None
    return None
