"""Pure rules of activities: rotating codes, QR payloads, windows, hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from services.notices.activities import rules

KEY = b"k" * 32
T = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def test_codes_are_six_digits_and_differ_by_activity_and_window():
    w = rules.window_of(T)
    code = rules.code_for(KEY, "a", w)
    assert len(code) == 6 and code.isdigit()
    assert code != rules.code_for(KEY, "b", w)
    assert code != rules.code_for(KEY, "a", w + 1)
    assert code != rules.code_for(b"x" * 32, "a", w)


def test_the_current_and_previous_windows_code_are_accepted_and_no_other():
    w = rules.window_of(T)
    code = rules.code_for(KEY, "a", w)
    assert rules.accepted_window(KEY, "a", code, T) == w
    assert rules.accepted_window(KEY, "a", code, T + timedelta(seconds=119)) == w
    assert rules.accepted_window(KEY, "a", code, T + timedelta(seconds=120)) is None
    assert rules.accepted_window(KEY, "a", code, T - timedelta(seconds=1)) is None
    assert rules.code_valid_until(w) == T + timedelta(seconds=120)


def test_a_qr_payload_gives_its_code_only_when_genuine_and_for_this_activity():
    w = rules.window_of(T)
    payload = rules.qr_payload(KEY, "a", w)
    assert rules.code_from_qr(KEY, "a", payload) == rules.code_for(KEY, "a", w)
    assert rules.code_from_qr(KEY, "b", payload) is None
    tampered = payload.replace(rules.code_for(KEY, "a", w), "000000")
    assert rules.code_from_qr(KEY, "a", tampered) is None
    assert rules.code_from_qr(KEY, "a", "SZA1.a.1.123456") is None


def test_check_in_opens_half_an_hour_early_and_closes_at_the_end():
    start, end = T, T + timedelta(hours=2)
    assert not rules.checkin_open(start - timedelta(minutes=31), start, end)
    assert rules.checkin_open(start - timedelta(minutes=30), start, end)
    assert rules.checkin_open(end, start, end)
    assert not rules.checkin_open(end + timedelta(seconds=1), start, end)


def test_hours_round_to_the_nearest_half_hour():
    assert rules.hours_between(T, T + timedelta(hours=2, minutes=10)) == Decimal("2")
    assert rules.hours_between(T, T + timedelta(hours=2, minutes=15)) == Decimal("2.5")
    assert rules.hours_between(T, T + timedelta(minutes=10)) is None
    assert rules.round_hours(Decimal("30")) == Decimal(24)


def test_signup_closes_at_the_start_unless_told_otherwise():
    assert rules.signup_deadline(T, None) == T
    assert rules.signup_deadline(T, T - timedelta(days=1)) == T - timedelta(days=1)


def test_completion_and_cancellation_follow_the_table():
    assert rules.FLOW[("running", "complete")] == "completed"
    assert ("completed", "complete") not in rules.FLOW
    assert ("cancelled", "start") not in rules.FLOW
