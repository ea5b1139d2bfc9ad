"""The reversal plan: what undoing a posting moves on the wallet, the debt and the earnings."""

import uuid

import pytest

from kit.errors import Conflict
from services.points.ledger.rules import REVERSIBLE, Wallet, check_reversible, plan_reversal


def wallet(*, balance: int = 0, held: int = 0, debt: int = 0) -> Wallet:
    return Wallet(
        id=uuid.uuid4(),
        resident_id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        household_id=None,
        verified=True,
        balance=balance,
        held=held,
        debt=debt,
    )


def test_reversing_an_unspent_award_takes_the_points_back():
    plan = plan_reversal(own=10, score_delta=10, debt_delta=0, wallet=wallet(balance=10))
    assert (plan.wallet_leg, plan.debt_change, plan.earned_change) == (-10, 0, -10)


def test_reversing_a_partly_spent_award_turns_the_shortfall_into_debt():
    plan = plan_reversal(own=10, score_delta=10, debt_delta=0, wallet=wallet(balance=4))
    assert (plan.wallet_leg, plan.debt_change) == (-4, 6)


def test_held_points_are_not_taken_back():
    plan = plan_reversal(own=10, score_delta=10, debt_delta=0, wallet=wallet(balance=10, held=7))
    assert (plan.wallet_leg, plan.debt_change) == (-3, 7)


def test_reversing_an_award_that_paid_debt_restores_that_debt():
    # The award of 10 paid 4 of debt and credited 6.
    plan = plan_reversal(own=6, score_delta=10, debt_delta=-4, wallet=wallet(balance=6))
    assert (plan.wallet_leg, plan.debt_change, plan.earned_change) == (-6, 4, -10)


def test_reversing_a_deduction_gives_the_taken_points_back_and_clears_its_debt():
    # A penalty of 8 took 3 and left 5 of debt, all still owed.
    plan = plan_reversal(own=-3, score_delta=-8, debt_delta=5, wallet=wallet(debt=5))
    assert (plan.wallet_leg, plan.debt_change, plan.earned_change) == (3, -5, 0)


def test_reversing_a_deduction_clears_no_more_debt_than_is_still_owed():
    # Its debt of 5 was partly paid off by a later award: only 2 is still owed.
    plan = plan_reversal(own=-3, score_delta=-8, debt_delta=5, wallet=wallet(debt=2))
    assert plan.debt_change == -2


@pytest.mark.parametrize("kind", REVERSIBLE)
def test_score_changing_postings_are_reversible(kind: str):
    check_reversible(kind)


@pytest.mark.parametrize("kind", ["hold", "settle", "release", "expiry", "reversal"])
def test_holds_expiry_and_reversals_cannot_be_reversed(kind: str):
    with pytest.raises(Conflict):
        check_reversible(kind)
