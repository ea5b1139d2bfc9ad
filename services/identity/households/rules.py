"""Pure rules of households: which staff manage them, when the head may leave, invitations."""

from __future__ import annotations

from kit.auth import Role
from kit.states import Transitions, transition

HOUSEHOLD_STAFF: tuple[Role, ...] = (
    "district_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
)


def head_may_leave(member_count: int) -> bool:
    """The head leaves last: only once nobody else is left in the household."""
    return member_count <= 1


INVITATION_TRANSITIONS: Transitions = {  # (from, action) → to; only the invitee acts
    ("pending", "accept"): "accepted",
    ("pending", "decline"): "declined",
}


def next_invitation_status(current: str, action: str) -> str:
    """The invitation's status after the invitee's `action`; 409 once it has been answered."""
    return transition(INVITATION_TRANSITIONS, current, action, detail="该邀请已处理")
