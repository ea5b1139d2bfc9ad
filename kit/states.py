"""State machines as data: a table of (state, action) → next state, checked in one place.

    FLOW = {("submitted", "approve"): "approved", ("submitted", "reject"): "rejected"}
    claim.status = transition(FLOW, claim.status, "approve")

A move the table does not list raises `TransitionRefused`, a Conflict: the problem handler
answers 409 problem+json with `current`, `action` and `allowed_actions` (those the table
lists from the current state).
"""

from __future__ import annotations

from collections.abc import Mapping

from kit.errors import Conflict

Transitions = Mapping[tuple[str, str], str]

REFUSED = "当前状态不允许该操作"


class TransitionRefused(Conflict):
    """The state machine does not allow this action from the current state (409)."""


def allowed_actions(table: Transitions, state: str) -> list[str]:
    """The actions the table lists from `state`, sorted."""
    return sorted(action for (origin, action) in table if origin == state)


def transition(
    table: Transitions,
    state: str,
    action: str,
    *,
    field: str = "status",
    detail: str = REFUSED,
) -> str:
    """The state after `action` from `state`; TransitionRefused when the table has no such move."""
    after = table.get((state, action))
    if after is None:
        raise TransitionRefused(
            detail,
            field=field,
            current=state,
            action=action,
            allowed_actions=allowed_actions(table, state),
        )
    return after
