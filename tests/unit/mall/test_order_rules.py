"""The order's rules: the state table, pickup codes and their QR, limit periods, on sale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.states import TransitionRefused, transition
from services.mall.orders import rules


def test_an_order_moves_only_as_the_table_says():
    assert transition(rules.FLOW, "pending_points", "confirm") == "confirmed"
    assert transition(rules.FLOW, "confirmed", "fulfil") == "fulfilled"
    for state, action in [
        ("fulfilled", "cancel"),
        ("cancelled", "cancel"),
        ("failed", "confirm"),
        ("pending_points", "fulfil"),
        ("expired", "fulfil"),
    ]:
        with pytest.raises(TransitionRefused):
            transition(rules.FLOW, state, action)


def test_every_way_out_of_a_reservation_but_pickup_returns_the_stock():
    leaving = {
        a for (s, a), after in rules.FLOW.items() if after in ("failed", "cancelled", "expired")
    }
    assert leaving == set(rules.RETURNS_STOCK)


def test_pickup_codes_use_no_look_alike_characters():
    codes = {rules.new_pickup_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert rules.looks_like_code(code)
        assert not set(code) & set("0O1IL5S2Z8B")


def test_a_typed_code_is_read_however_it_was_spaced_or_cased():
    assert rules.normalise_code(" 3479-acde ") == "3479ACDE"
    assert rules.looks_like_code(rules.normalise_code("3479 acde"))
    assert not rules.looks_like_code("3479ACD")  # too short
    assert not rules.looks_like_code("3479ACD0")  # a look-alike


def test_a_pickup_qr_carries_its_code_only_when_signed_with_the_mall_key():
    payload = rules.qr_payload("k1", "order-1", "3479ACDE")
    assert rules.read_qr("k1", payload) == "3479ACDE"
    assert rules.read_qr("k2", payload) is None
    forged = payload.replace("3479ACDE", "3479ACDF")
    assert rules.read_qr("k1", forged) is None
    assert rules.read_qr("k1", "SZM1.only.three") is None


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("day", "2026-03-31T16:00:00+00:00", "2026-04-01T16:00:00+00:00"),
        ("week", "2026-03-29T16:00:00+00:00", "2026-04-05T16:00:00+00:00"),
        ("month", "2026-03-31T16:00:00+00:00", "2026-04-30T16:00:00+00:00"),
        ("year", "2025-12-31T16:00:00+00:00", "2026-12-31T16:00:00+00:00"),
    ],
)
def test_limit_periods_are_calendar_periods_in_shanghai(period, start, end):
    # 2026-04-01 01:30 in Shanghai is still March 31 in UTC.
    at = datetime(2026, 3, 31, 17, 30, tzinfo=UTC)
    window = rules.period_window(period, at)
    assert window.start == datetime.fromisoformat(start)
    assert window.end == datetime.fromisoformat(end)


def test_the_limit_counts_what_is_already_ordered():
    assert rules.within_limit(0, 1, 1)
    assert not rules.within_limit(1, 1, 1)
    assert not rules.within_limit(0, 2, 1)
    assert rules.within_limit(5, 5, None)


def test_an_item_is_on_sale_on_the_shelf_and_within_its_window():
    at = datetime(2026, 6, 1, tzinfo=UTC)
    hour = timedelta(hours=1)
    assert rules.on_sale(on_shelf=True, available_from=None, available_until=None, at=at)
    assert not rules.on_sale(on_shelf=False, available_from=None, available_until=None, at=at)
    assert not rules.on_sale(on_shelf=True, available_from=at + hour, available_until=None, at=at)
    assert not rules.on_sale(on_shelf=True, available_from=None, available_until=at, at=at)
    assert rules.on_sale(on_shelf=True, available_from=at, available_until=at + hour, at=at)
