"""Pure ledger rules: awards pay debt first, deductions never push a wallet below zero, the
local periods a fact counts in."""

from datetime import UTC, datetime

from services.points.ledger.rules import periods, split_award, split_deduction


def test_award_without_debt_reaches_the_wallet_whole():
    credit = split_award(10, debt=0)
    assert (credit.credited, credit.debt_paid) == (10, 0)


def test_award_pays_the_debt_first_and_credits_the_rest():
    credit = split_award(10, debt=4)
    assert (credit.credited, credit.debt_paid) == (6, 4)


def test_award_smaller_than_the_debt_only_pays_debt():
    credit = split_award(3, debt=5)
    assert (credit.credited, credit.debt_paid) == (0, 3)


def test_deduction_within_available_points_takes_it_all():
    debit = split_deduction(5, available=20)
    assert (debit.taken, debit.new_debt) == (5, 0)


def test_deduction_beyond_available_points_becomes_debt():
    debit = split_deduction(8, available=3)
    assert (debit.taken, debit.new_debt) == (3, 5)


def test_deduction_from_an_overheld_wallet_takes_nothing():
    debit = split_deduction(4, available=-2)
    assert (debit.taken, debit.new_debt) == (0, 4)


def test_periods_follow_the_shanghai_calendar():
    # 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai.
    assert periods(datetime(2026, 12, 31, 17, tzinfo=UTC)) == ("m2027-01", "y2027", "all")


def test_periods_within_the_local_day():
    assert periods(datetime(2026, 11, 28, 2, tzinfo=UTC)) == ("m2026-11", "y2026", "all")
