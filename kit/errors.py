"""Domain exceptions shared by services; the web layer maps them to problem+json once."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request. Subclasses choose the HTTP status."""

    status = 400
    title = "请求无法处理"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class NotFound(DomainError):
    status = 404
    title = "未找到"


class Conflict(DomainError):
    """The request conflicts with the current state (e.g. a refused state transition)."""

    status = 409
    title = "状态冲突"


class Forbidden(DomainError):
    status = 403
    title = "无权操作"


class PermanentEventError(Exception):
    """An event that can never apply (unknown rule, impossible reference): park it in the DLQ."""


class Invalid(DomainError):
    """A value breaks a format or domain rule; answered as 422 naming the field."""

    status = 422
    title = "提交的内容有误"
