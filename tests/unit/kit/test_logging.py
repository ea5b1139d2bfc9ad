"""Structured log lines: ids attached, personal data and credentials masked."""

import json
import logging

from kit.logging import ConsoleFormatter, JsonFormatter, event_id_var, mask_value, request_id_var


def _record(msg: str, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "t", "levelname": "INFO", "msg": msg})
    for k, v in extra.items():
        setattr(record, k, v)
    return record


def test_json_line_carries_request_and_event_ids():
    rt, et = request_id_var.set("req-1"), event_id_var.set("evt-1")
    try:
        line = json.loads(JsonFormatter().format(_record("hello")))
    finally:
        request_id_var.reset(rt)
        event_id_var.reset(et)
    assert line["msg"] == "hello" and line["request_id"] == "req-1" and line["event_id"] == "evt-1"


def test_sensitive_fields_are_masked_in_json_and_console_lines():
    record = _record(
        "login",
        phone="13812345678",
        password="hunter2",
        id_number="510703199001011234",
        token="eyJabc",
        secret="s3",
        nested={"refresh_token": "r"},
        community="c1",
    )
    for text in (JsonFormatter().format(record), ConsoleFormatter().format(record)):
        for leaked in ("13812345678", "hunter2", "510703199001011234", "eyJabc", "s3", "'r'"):
            assert leaked not in text
        assert "138****5678" in text and "c1" in text


def test_mask_value_leaves_ordinary_fields_alone():
    assert mask_value("community_id", "c1") == "c1"
    assert mask_value("Password", "x") == "***"
