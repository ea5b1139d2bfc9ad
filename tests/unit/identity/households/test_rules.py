"""Households without I/O: the head leaves last."""

from services.identity.households.rules import head_may_leave


def test_head_may_leave_a_household_they_are_alone_in():
    assert head_may_leave(1)


def test_head_may_not_leave_while_other_members_remain():
    assert not head_may_leave(2)
    assert not head_may_leave(5)
