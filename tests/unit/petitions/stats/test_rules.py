"""Dashboard period and figure maths: Asia/Shanghai days, bounds, shares and medians."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kit.errors import Invalid
from services.petitions.stats.rules import by_name, hours, period, share

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


def test_default_period_is_the_last_thirty_days() -> None:
    assert period(None, None, now=NOW) == (NOW - timedelta(days=30), NOW)


def test_plain_dates_are_whole_shanghai_days_to_included() -> None:
    start, end = period("2026-06-01", "2026-06-10", now=NOW)
    assert start == datetime(2026, 5, 31, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 6, 10, 16, 0, tzinfo=UTC)


def test_one_day_period_from_and_to_the_same_date() -> None:
    start, end = period("2026-06-01", "2026-06-01", now=NOW)
    assert end - start == timedelta(days=1)


def test_datetimes_are_taken_as_given_and_naive_ones_as_shanghai_time() -> None:
    start, end = period("2026-06-01T08:00:00", "2026-06-02T00:00:00Z", now=NOW)
    assert start == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 6, 2, 0, 0, tzinfo=UTC)


def test_only_from_runs_to_now() -> None:
    assert period("2026-06-01", None, now=NOW)[1] == NOW


def test_from_after_to_is_refused_naming_from() -> None:
    with pytest.raises(Invalid) as caught:
        period("2026-06-10", "2026-06-01", now=NOW)
    assert caught.value.field == "from"


def test_a_period_longer_than_a_year_is_refused_naming_to() -> None:
    assert period("2024-01-01", "2024-12-31", now=NOW)  # a leap year, whole
    with pytest.raises(Invalid) as caught:
        period("2025-01-01", "2026-01-02", now=NOW)
    assert caught.value.field == "to"


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026/06/01"])
def test_unreadable_dates_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        period(text, None, now=NOW)
    assert caught.value.field == "from"


def test_share_is_none_without_a_whole() -> None:
    assert share(0, 0) is None
    assert share(2, 3) == 0.6667


def test_hours_from_seconds() -> None:
    assert hours(5400) == 1.5
    assert hours(None) is None


def test_categories_summed_by_name_across_communities() -> None:
    rows = [("环境卫生", 3), ("邻里纠纷", 2), ("环境卫生", 4), ("道路", 2)]
    assert by_name(rows) == [("环境卫生", 7), ("道路", 2), ("邻里纠纷", 2)]
