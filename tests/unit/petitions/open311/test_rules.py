"""Open311 rules without I/O: states as open/closed, dates, attribute fields, locations."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.petitions.cases.models import STATES
from services.petitions.cases.rules import BOARD_STATES
from services.petitions.open311 import rules

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_every_state_maps_and_resolved_stays_open_until_rated():
    assert set(rules.OPEN311_STATUS) == set(STATES)
    assert [s for s in STATES if rules.status_of(s) == "closed"] == [
        "rejected",
        "cancelled",
        "closed",
    ]
    assert rules.status_of("resolved") == "open"
    assert rules.status_of("reopened") == "open"


def test_status_filters_name_our_states_and_only_open_or_closed_is_accepted():
    assert set(rules.states_for(["closed"])) == {"rejected", "cancelled", "closed"}
    assert set(rules.states_for(["open", "closed"])) == set(STATES)
    on_board_open = set(rules.states_for(["open"])) & set(BOARD_STATES)
    assert on_board_open == {"accepted", "assigned", "in_progress", "resolved", "reopened"}
    assert rules.parse_statuses("open, closed") == ["open", "closed"]
    with pytest.raises(Invalid) as refused:
        rules.parse_statuses("open,pending")
    assert refused.value.field == "status"


def test_formats_are_json_and_xml_only():
    assert rules.parse_format("json") == "json"
    assert rules.parse_format("xml") == "xml"
    with pytest.raises(NotFound):
        rules.parse_format("html")
    assert rules.format_of("/open311/v2/services.xml") == "xml"
    assert rules.format_of("/open311/v2/services.csv") == "json"


def test_w3c_dates_need_an_offset_and_print_in_utc():
    assert rules.parse_w3c("2026-01-01T08:00:00+08:00", "start_date") == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    assert rules.parse_w3c("2026-01-01T00:00:00Z", "start_date") == datetime(2026, 1, 1, tzinfo=UTC)
    assert rules.parse_w3c("", "start_date") is None
    for bad in ("2026-01-01T00:00:00", "yesterday"):
        with pytest.raises(Invalid) as refused:
            rules.parse_w3c(bad, "end_date")
        assert refused.value.field == "end_date"
    assert rules.w3c(datetime(2026, 1, 1, 8, tzinfo=UTC)) == "2026-01-01T08:00:00Z"
    assert rules.w3c(None) is None


def test_the_date_range_defaults_to_the_last_90_days_and_never_spans_more():
    assert rules.date_range(None, None, NOW) == (NOW - timedelta(days=90), NOW)
    start = NOW - timedelta(days=10)
    assert rules.date_range(start, None, NOW) == (start, NOW)
    assert rules.date_range(None, NOW, NOW) == (NOW - timedelta(days=90), NOW)
    assert rules.date_range(NOW - timedelta(days=90), NOW, NOW)[0] == NOW - timedelta(days=90)
    with pytest.raises(Invalid):
        rules.date_range(NOW - timedelta(days=91), NOW, NOW)
    with pytest.raises(Invalid):
        rules.date_range(NOW, NOW - timedelta(days=1), NOW)


def test_attribute_fields_become_answers_and_repeated_ones_lists():
    items = [
        ("api_key", "k"),
        ("attribute[SIZE]", "large"),
        ("attribute[KINDS]", "glass"),
        ("attribute[KINDS]", "paper"),
        ("attribute[ONE][]", "x"),
        ("description", "d"),
    ]
    assert rules.attribute_answers(items) == {
        "SIZE": "large",
        "KINDS": ["glass", "paper"],
        "ONE": ["x"],
    }
    for bad in ("attribute[]", "attribute[a b]", "attributes", "attribute[X"):
        with pytest.raises(Invalid) as refused:
            rules.attribute_answers([(bad, "v")])
        assert refused.value.field == bad


def test_a_location_is_lat_and_long_or_an_address():
    assert rules.location("31.2", "107.5", None) == rules.Location(
        Decimal("31.200000"), Decimal("107.500000"), None
    )
    assert rules.location(None, None, " 小北街 3 号 ") == rules.Location(None, None, "小北街 3 号")
    with pytest.raises(Invalid) as missing:
        rules.location("", "", "  ")
    assert missing.value.field == "lat"
    with pytest.raises(Invalid) as half:
        rules.location("31.2", None, None)
    assert half.value.field == "long"
    for lat in ("91", "NaN", "north"):
        with pytest.raises(Invalid):
            rules.location(lat, "107", None)


def test_a_title_is_the_descriptions_first_line_shortened():
    assert rules.title_from("路灯坏了\n已经三天", "路灯") == "路灯坏了"
    long = "很" * 40
    assert rules.title_from(long, "x") == "很" * 29 + "…"
    assert rules.title_from("  ", "路灯") == "路灯"


def test_domain_errors_map_to_the_specs_codes():
    assert rules.error_code(Forbidden("x")) == 403
    assert rules.error_code(NotFound("x")) == 404
    assert rules.error_code(Invalid("x")) == 400
    assert rules.error_code(Conflict("x")) == 409
    assert rules.error_description(Invalid("必填项", field="attributes.SIZE")) == (
        "attributes.SIZE: 必填项"
    )
