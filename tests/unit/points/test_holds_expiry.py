"""Pure rules of holds and expiry: why a hold is refused, FIFO remaining points, deadlines."""

import uuid
from datetime import date

from services.points.accounts import Wallet
from services.points.expiry import (
    coming_deadline,
    due,
    passed_deadline,
    remaining_by_year,
    warns,
)
from services.points.holds import refusal


def wallet(*, balance: int = 100, held: int = 0, verified: bool = True) -> Wallet:
    return Wallet(
        id=uuid.uuid4(),
        resident_id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        household_id=None,
        verified=verified,
        balance=balance,
        held=held,
        debt=0,
    )


# --- holds -----------------------------------------------------------------------------------


def test_hold_within_available_points_is_allowed():
    assert refusal(wallet(balance=100, held=60), 40, verified_only=True) is None


def test_hold_beyond_available_points_is_insufficient():
    assert refusal(wallet(balance=100, held=60), 41, verified_only=False) == "insufficient"


def test_unverified_resident_is_refused_only_where_the_community_requires_it():
    unverified = wallet(verified=False)
    assert refusal(unverified, 10, verified_only=True) == "unverified"
    assert refusal(unverified, 10, verified_only=False) is None


def test_hold_for_unknown_resident_is_refused():
    assert refusal(None, 10, verified_only=False) == "unknown_resident"


# --- FIFO remaining points -------------------------------------------------------------------


def test_untouched_earnings_remain_by_year():
    moves = [(date(2024, 3, 1), 30), (date(2024, 9, 1), 20), (date(2025, 2, 1), 50)]
    assert remaining_by_year(moves) == {2024: 50, 2025: 50}


def test_spending_consumes_the_oldest_points_first():
    moves = [(date(2024, 3, 1), 30), (date(2025, 2, 1), 50), (date(2025, 6, 1), -40)]
    assert remaining_by_year(moves) == {2025: 40}


def test_spending_before_a_later_earning_still_takes_the_oldest():
    moves = [(date(2024, 1, 1), 100), (date(2024, 5, 1), -30), (date(2025, 1, 1), 50)]
    assert remaining_by_year(moves) == {2024: 70, 2025: 50}


def test_order_of_the_list_does_not_matter():
    moves = [(date(2025, 2, 1), 50), (date(2025, 6, 1), -60), (date(2024, 3, 1), 30)]
    assert remaining_by_year(moves) == remaining_by_year(sorted(moves)) == {2025: 20}


def test_everything_spent_leaves_nothing():
    moves = [(date(2024, 1, 1), 10), (date(2025, 1, 1), 10), (date(2025, 2, 1), -20)]
    assert remaining_by_year(moves) == {}


def test_due_counts_earnings_up_to_the_year_only():
    moves = [(date(2023, 5, 1), 10), (date(2024, 5, 1), 20), (date(2025, 5, 1), 40)]
    assert due(moves, earned_up_to=2024) == 30
    assert due(moves, earned_up_to=2022) == 0


def test_earlier_expiry_counts_as_points_gone():
    # 2023's 10 expired at the end of 2024; 2024's remain for the next deadline.
    moves = [(date(2023, 5, 1), 10), (date(2024, 5, 1), 20), (date(2025, 1, 1), -10)]
    assert due(moves, earned_up_to=2024) == 20


def test_partially_spent_old_year_expires_the_rest():
    moves = [(date(2024, 5, 1), 100), (date(2025, 3, 1), 40), (date(2025, 4, 1), -70)]
    assert due(moves, earned_up_to=2024) == 30


def test_no_movements_nothing_due():
    assert remaining_by_year([]) == {}
    assert due([], earned_up_to=2030) == 0


# --- deadlines -------------------------------------------------------------------------------


def test_earned_in_2024_with_one_year_expires_at_the_end_of_2025():
    coming = coming_deadline(date(2025, 12, 15), 1)
    assert (coming.expires_on, coming.earned_up_to) == (date(2025, 12, 31), 2024)
    passed = passed_deadline(date(2026, 1, 1), 1)
    assert (passed.expires_on, passed.earned_up_to) == (date(2025, 12, 31), 2024)


def test_warning_period_is_the_last_30_days_before_the_date():
    end = date(2025, 12, 31)
    assert not warns(date(2025, 11, 30), end)
    assert warns(date(2025, 12, 1), end)
    assert warns(end, end)
    assert not warns(date(2026, 1, 1), end)
