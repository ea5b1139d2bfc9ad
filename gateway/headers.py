"""Security headers on every gateway answer; no `Server` header from the app or an upstream."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Browsers: HTTPS only for a year, no MIME sniffing, never framed, no referrer sent on.
SECURITY_HEADERS = (
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
)
# Token answers (login, refresh, SMS login...) must never sit in a cache.
NO_STORE_PREFIX = "/api/identity/auth/"
NO_STORE = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
# Replaced with ours; an upstream's own Content-Security-Policy is kept beside ours (a browser
# enforces both), so a service's stricter policy is never loosened here.
_REPLACED = frozenset(k for k, _ in SECURITY_HEADERS) - {b"content-security-policy"} | {b"server"}


class SecurityHeaders:
    """Pure ASGI middleware, outermost, so refusals and problem answers carry the headers too.

    uvicorn adds its own `Server: uvicorn` after the app has answered, which no middleware
    can remove: the gateway must be started with `--no-server-header` (server_header=False).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = str(scope.get("path", "")).startswith(NO_STORE_PREFIX)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured(message.get("headers", []), no_store)}
            await send(message)

        await self.app(scope, receive, send_secured)


def secured(headers: list[tuple[bytes, bytes]], no_store: bool) -> list[tuple[bytes, bytes]]:
    replaced = _REPLACED | ({b"cache-control", b"pragma"} if no_store else set())
    kept = [(k, v) for k, v in headers if k.lower() not in replaced]
    return kept + list(SECURITY_HEADERS) + (list(NO_STORE) if no_store else [])
