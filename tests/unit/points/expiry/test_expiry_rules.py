"""Pure rules of expiry: FIFO remaining points per year, deadlines, the warning window."""

from datetime import date

from services.points.expiry.rules import (
    coming_deadline,
    due,
    passed_deadline,
    remaining_by_year,
    schedule,
    warns,
)

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


def test_schedule_shows_each_year_of_unspent_earnings_at_its_deadline():
    moves = [(date(2024, 3, 1), 10), (date(2025, 2, 1), 7), (date(2025, 5, 1), -4)]
    shown = schedule(moves, years=1, available=13)
    assert [(d.expires_on, d.points) for d in shown] == [
        (date(2025, 12, 31), 6),
        (date(2026, 12, 31), 7),
    ]


def test_schedule_spares_held_points_from_the_latest_deadline():
    moves = [(date(2024, 3, 1), 10), (date(2025, 2, 1), 7)]
    shown = schedule(moves, years=2, available=12)
    assert [(d.expires_on, d.points) for d in shown] == [
        (date(2026, 12, 31), 10),
        (date(2027, 12, 31), 2),
    ]


def test_schedule_of_an_empty_wallet_is_empty():
    assert schedule([(date(2024, 3, 1), 5), (date(2024, 4, 1), -5)], years=1, available=0) == []
