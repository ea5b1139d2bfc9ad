"""The CloudEvents envelope: building, serialising, parsing and validating against contracts."""

import json
from datetime import UTC, datetime

import pytest
from cloudevents.core.bindings import kafka as ce_kafka

from contracts.points import PointsAwarded
from kit.events import InvalidEvent, new_event, parse_event, serialize

AWARD = PointsAwarded(
    posting_id="p1",
    resident_id="r1",
    community_id="c1",
    item_code="VOL",
    points=5,
    source_type="volunteer",
    source_id="evt-1",
    posted_at=datetime(2026, 11, 28, 8, 0, tzinfo=UTC),
)


def test_new_event_takes_type_from_contract_and_fills_required_attributes():
    event = new_event(AWARD, source="/services/points", subject="r1")
    assert event.type == "org.shanzhi.points.awarded.v1"
    assert event.specversion == "1.0"
    assert event.datacontenttype == "application/json"
    assert event.time.tzinfo is not None
    assert event.traceparent is not None and event.traceparent.startswith("00-")


def test_serialised_event_round_trips_through_parse():
    event = new_event(AWARD, source="/services/points", subject="r1")
    parsed = parse_event(serialize(event))
    assert parsed.envelope == event
    assert parsed.data == AWARD


def test_serialised_event_is_read_by_the_official_cloudevents_sdk():
    event = new_event(AWARD, source="/services/points", subject="r1")
    message = ce_kafka.KafkaMessage(
        headers={"content-type": b"application/cloudevents+json"}, key=b"r1", value=serialize(event)
    )
    read = ce_kafka.from_kafka_event(message)
    assert read.get_id() == event.id
    assert read.get_type() == event.type
    assert read.get_extension("traceparent") == event.traceparent
    assert read.get_data() == event.data


def test_bytes_that_are_not_json_are_invalid():
    with pytest.raises(InvalidEvent, match="not a CloudEvent"):
        parse_event(b"\xff not json")


def test_envelope_missing_id_is_invalid():
    raw = json.loads(serialize(new_event(AWARD, source="/services/points", subject="r1")))
    del raw["id"]
    with pytest.raises(InvalidEvent, match="id"):
        parse_event(json.dumps(raw).encode())


def test_data_breaking_its_contract_is_invalid_and_names_the_field():
    raw = json.loads(serialize(new_event(AWARD, source="/services/points", subject="r1")))
    raw["data"]["points"] = -3
    with pytest.raises(InvalidEvent, match="points"):
        parse_event(json.dumps(raw).encode())


def test_naive_time_is_refused():
    raw = json.loads(serialize(new_event(AWARD, source="/services/points", subject="r1")))
    raw["time"] = "2026-11-28T08:00:00"
    with pytest.raises(InvalidEvent, match="time"):
        parse_event(json.dumps(raw).encode())
