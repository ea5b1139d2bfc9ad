"""Pure rules of holds: why a hold is refused."""

import uuid

from services.points.holds.rules import refusal
from services.points.ledger.rules import Wallet


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
