"""RFC 9457 problem+json answers: one place maps every error to a response, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from kit.errors import DomainError
from kit.outage import DEPENDENCY_ERRORS, RETRY_AFTER_SECONDS, OutageLog, reason
from kit.transient import is_transient

log = logging.getLogger("kit.web")

PROBLEM_JSON = "application/problem+json"

STATUS_TITLES = {
    400: "请求无效",
    401: "未登录或登录已过期",
    403: "无权操作",
    404: "未找到",
    405: "不支持该方法",
    409: "状态冲突",
    413: "请求体过大",
    422: "提交的内容有误",
    429: "请求过于频繁",
    500: "服务器内部错误",
    502: "上游服务不可用",
    503: "服务暂不可用",
}


def problem(
    status: int,
    *,
    detail: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or STATUS_TITLES.get(status, "错误"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "phone") → "phone"; ("query", "page") → "page"; nested → "a.b.0"
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    first = errors[0] if errors else {"field": "", "message": "invalid"}
    return problem(
        422, detail=f"{first['field']}: {first['message']}", field=first["field"], errors=errors
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem(exc.status_code, detail=detail, headers=exc.headers)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem(exc.status, title=exc.title, detail=exc.detail, field=exc.field, **exc.extra)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error", exc_info=exc)
    return problem(500, detail="请稍后再试")


def _dependency_away(outages: OutageLog) -> Callable[[Request, Exception], Awaitable[Response]]:
    """503 with Retry-After when the database or broker is away; any other such error is a bug."""

    async def handle(request: Request, exc: Exception) -> Response:
        if not is_transient(exc):
            return await _unexpected(request, exc)
        outages.record(reason(exc))
        return problem(
            503,
            detail="依赖的服务暂不可用，请稍后再试",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    return handle


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(DomainError, _domain)
    # One outage log per app, so its warnings are rate-limited per process.
    away = _dependency_away(OutageLog())
    for error_type in DEPENDENCY_ERRORS:
        app.add_exception_handler(error_type, away)
    app.add_exception_handler(Exception, _unexpected)
