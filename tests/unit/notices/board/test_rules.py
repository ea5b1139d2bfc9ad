"""The life of a notice as pure rules: publish or schedule, in force, times, pinning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import Conflict, Invalid
from kit.states import TransitionRefused, transition
from services.notices.board import rules

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_a_time_ahead_schedules_and_a_time_past_or_none_publishes_now() -> None:
    assert rules.publish_action(NOW + HOUR, NOW) == "schedule"
    assert rules.publish_action(NOW - HOUR, NOW) == "publish"
    assert rules.publish_action(None, NOW) == "publish"


def test_a_withdrawn_notice_cannot_come_back() -> None:
    with pytest.raises(TransitionRefused):
        transition(rules.FLOW, "withdrawn", "publish")
    assert transition(rules.FLOW, "scheduled", "withdraw") == "withdrawn"


def test_in_force_means_published_and_not_yet_expired() -> None:
    assert rules.in_force("published", NOW, None, NOW)
    assert rules.in_force("published", NOW, NOW + HOUR, NOW)
    assert not rules.in_force("published", NOW, NOW, NOW)
    assert not rules.in_force("scheduled", None, None, NOW)
    assert not rules.in_force("withdrawn", NOW, None, NOW)


def test_expiry_must_follow_publication() -> None:
    rules.check_times(NOW + HOUR, NOW + 2 * HOUR)
    with pytest.raises(Invalid) as refused:
        rules.check_times(NOW + HOUR, NOW + HOUR)
    assert refused.value.field == "expires_at"
    with pytest.raises(Invalid):
        rules.check_times(None, NOW - HOUR, NOW)


def test_a_fourth_pin_in_a_unit_is_refused() -> None:
    rules.check_pin("published", 2)
    with pytest.raises(Conflict):
        rules.check_pin("published", 3)
    with pytest.raises(Conflict):
        rules.check_pin("draft", 0)
