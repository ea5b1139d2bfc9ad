"""The cap rule: what of an award fits under an item's day, month and year caps."""

from datetime import UTC, datetime

from services.points.awards.rules import (
    CapPeriod,
    active_caps,
    allowed_under_caps,
    cap_windows,
    capped_amount,
)
from services.points.base import LOCAL
from services.points.listing.rules import Caps


def test_uncapped_amount_passes_whole():
    assert capped_amount(7, used=100, cap=None) == 7


def test_amount_fits_in_what_the_cap_has_left():
    assert capped_amount(5, used=7, cap=10) == 3


def test_nothing_fits_once_the_cap_is_reached():
    assert capped_amount(5, used=10, cap=10) == 0


def test_nothing_fits_when_usage_already_exceeds_the_cap():
    # A cap lowered in a newer list version: earlier earnings stay, nothing more is added.
    assert capped_amount(5, used=12, cap=10) == 0


def test_item_without_caps_allows_the_whole_amount():
    assert allowed_under_caps(50, Caps(), {}) == 50


def test_the_tightest_cap_decides():
    caps = Caps(day=10, month=30, year=100)
    used: dict[CapPeriod, int] = {"day": 2, "month": 25, "year": 40}
    assert allowed_under_caps(8, caps, used) == 5  # month has 5 left, day 8, year 60


def test_a_period_without_earnings_counts_as_unused():
    assert allowed_under_caps(8, Caps(day=10), {}) == 8


def test_only_the_capped_periods_are_active():
    assert active_caps(Caps(month=30)) == {"month": 30}


def test_windows_start_at_local_midnight_month_and_year():
    # 2026-03-31 17:30 UTC is 2026-04-01 01:30 in Shanghai: a new day, month, not year.
    windows = cap_windows(datetime(2026, 3, 31, 17, 30, tzinfo=UTC))
    assert windows["day"] == datetime(2026, 4, 1, tzinfo=LOCAL)
    assert windows["month"] == datetime(2026, 4, 1, tzinfo=LOCAL)
    assert windows["year"] == datetime(2026, 1, 1, tzinfo=LOCAL)


def test_windows_contain_the_fact():
    at = datetime(2026, 11, 28, 2, tzinfo=UTC)
    assert all(start <= at for start in cap_windows(at).values())
