"""File uploads with bounded reads: a route class capping the request body, and a bounded read.

FastAPI parses a multipart form before the endpoint runs (file parts spooled to temporary
files), so the size must be capped while the body streams in, not checked afterwards:
`limited_body(n)` is a route class that refuses a body declared or grown past `n` bytes with
413, naming the upload's field. The endpoint then reads at most the file's limit plus one
byte with `read_at_most`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response, UploadFile
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from kit.errors import DomainError

KIB = 1024
MIB = 1024 * KIB
# Room for the multipart framing around one file: boundaries, part headers, a few fields.
MULTIPART_SLACK = 64 * KIB


class TooLarge(DomainError):
    status = 413
    title = "文件过大"


class _BodyPastLimit(Exception):
    pass


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _BodyPastLimit
        return message

    return receive_limited


def limited_body(limit: int, *, field: str = "file", detail: str = "文件过大") -> type[APIRoute]:
    """A route class (`APIRouter(route_class=...)`) whose requests carry at most `limit` bytes."""

    class LimitedBodyRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                length = request.headers.get("content-length")
                if length is not None and (not length.isdigit() or int(length) > limit):
                    raise TooLarge(detail, field=field)
                limited = Request(request.scope, _limited(request.receive, limit))
                try:
                    return await handler(limited)
                except HTTPException as exc:
                    # FastAPI answers any failure while parsing the form as 400; find ours.
                    if isinstance(exc.__cause__, _BodyPastLimit):
                        raise TooLarge(detail, field=field) from None
                    raise

            return handle

    return LimitedBodyRoute


async def read_at_most(
    upload: UploadFile, limit: int, *, field: str = "file", detail: str = "文件过大"
) -> bytes:
    """The upload's bytes if there are at most `limit` of them; TooLarge otherwise."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(detail, field=field)
    return data
