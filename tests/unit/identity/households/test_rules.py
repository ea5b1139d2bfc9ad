"""Households without I/O: the head leaves last; an invitation is answered once."""

import pytest

from kit.errors import Conflict
from services.identity.households.rules import head_may_leave, next_invitation_status


def test_head_may_leave_a_household_they_are_alone_in():
    assert head_may_leave(1)


def test_head_may_not_leave_while_other_members_remain():
    assert not head_may_leave(2)
    assert not head_may_leave(5)


@pytest.mark.parametrize(("action", "after"), [("accept", "accepted"), ("decline", "declined")])
def test_a_pending_invitation_is_accepted_or_declined_once(action, after):
    assert next_invitation_status("pending", action) == after
    with pytest.raises(Conflict):
        next_invitation_status(after, action)
