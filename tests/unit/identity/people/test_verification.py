"""Real-name verification without I/O: the state machine, and who may rename themselves."""

import pytest

from kit.errors import Conflict
from services.identity.people.rules import may_rename_self, next_status, status_after_move


@pytest.mark.parametrize(
    ("current", "action", "after"),
    [
        ("unverified", "submit", "pending"),
        ("rejected", "submit", "pending"),
        ("pending", "approve", "verified"),
        ("pending", "reject", "rejected"),
    ],
)
def test_verification_moves_only_along_allowed_transitions(current, action, after):
    assert next_status(current, action) == after


@pytest.mark.parametrize(
    ("current", "action"),
    [
        ("verified", "submit"),
        ("pending", "submit"),
        ("unverified", "approve"),
        ("unverified", "reject"),
        ("verified", "approve"),
        ("rejected", "approve"),
        ("verified", "reject"),
        ("pending", "withdraw"),
    ],
)
def test_verification_refuses_any_other_transition_as_a_conflict(current, action):
    with pytest.raises(Conflict) as refused:
        next_status(current, action)
    assert refused.value.status == 409
    assert refused.value.field == "verification_status"
    assert refused.value.extra["current"] == current


def test_a_refused_transition_names_the_actions_allowed_from_the_current_state():
    with pytest.raises(Conflict) as refused:
        next_status("pending", "submit")
    assert refused.value.extra["allowed_actions"] == ["approve", "reject"]


@pytest.mark.parametrize("status", ["unverified", "pending", "rejected"])
def test_an_unverified_resident_may_rename_themselves(status):
    assert may_rename_self(status)


def test_a_verified_residents_name_is_the_real_name_and_not_self_editable():
    assert not may_rename_self("verified")


@pytest.mark.parametrize("current", ["unverified", "pending", "rejected", "verified"])
def test_a_self_service_move_leaves_the_resident_unverified(current):
    assert status_after_move(current) == "unverified"
