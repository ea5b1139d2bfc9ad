"""Structured logging: JSON lines off a terminal, request/event ids attached, secrets masked."""

from __future__ import annotations

import contextvars
import json
import logging
import random
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
event_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("event_id", default=None)


def new_request_id() -> str:
    """32 hex digits, like uuid4().hex: unique, not secret, so `random` (no system call)."""
    return f"{random.getrandbits(128):032x}"


SENSITIVE_KEYS = frozenset(
    {"phone", "id_number", "password", "token", "secret", "access_token", "refresh_token"}
)
# Attributes every LogRecord has; anything else was passed through `extra=`.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def mask_value(key: str, value: Any) -> Any:
    """Mask a value whose key names personal data or a credential; recurse into mappings."""
    if isinstance(value, Mapping):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if key.lower() not in SENSITIVE_KEYS or value is None:
        return value
    text = str(value)
    if key.lower() == "phone" and len(text) >= 7:
        return f"{text[:3]}****{text[-4:]}"
    return "***"


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in vars(record).items() if k not in _RECORD_ATTRS}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
            "event_id": event_id_var.get(),
            **_extras(record),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps({k: v for k, v in line.items() if v is not None}, default=str)


class ConsoleFormatter(logging.Formatter):
    """Readable single lines for a developer's terminal."""

    def format(self, record: logging.LogRecord) -> str:
        ids = [f"{n}={v}" for n, v in (("req", request_id_var.get()), ("evt", event_id_var.get()))]
        fields = [f"{k}={v}" for k, v in _extras(record).items()]
        text = " ".join(
            [record.levelname[:4], record.name, record.getMessage(), *fields]
            + [i for i in ids if not i.endswith("=None")]
        )
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def mask_query(path: str) -> str:
    """A path with every query parameter's value starred: `?q=138...&page=2` → `?q=***&page=***`.

    Every value, not only those that look like a phone or ID number: a search box
    takes names and addresses too, and no pattern recognises all of them.
    """
    base, mark, query = path.partition("?")
    if not mark:
        return path
    return f"{base}?" + "&".join(_mask_pair(pair) for pair in query.split("&") if pair)


def _mask_pair(pair: str) -> str:
    name, equals, _ = pair.partition("=")
    # A bare `?13812345678` is a value, not a name.
    return f"{name}=***" if equals else "***"


class AccessLogMask(logging.Filter):
    """Stars the query values in uvicorn's access lines (`%s - "%s %s HTTP/%s" %d`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) >= 3:
            record.args = (*args[:2], mask_query(str(args[2])), *args[3:])
        return True


def configure_logging(*, level: str = "INFO", json_lines: bool | None = None) -> None:
    """Install one handler on the root logger; uvicorn's loggers propagate into it."""
    use_json = (not sys.stderr.isatty()) if json_lines is None else json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else ConsoleFormatter())
    handler.addFilter(AccessLogMask())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    # httpx logs every URL at INFO, query strings included (which may carry personal data).
    logging.getLogger("httpx").setLevel(logging.WARNING)
