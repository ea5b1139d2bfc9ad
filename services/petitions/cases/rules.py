"""The petition's life as data, who may do what, and its deadlines (pure, unit-tested).

说 (raise) → 议 (accept, decide who acts) → 办 (act) → 评 (rate).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from kit.states import Transitions

Action = Literal[
    "accept",
    "reject",
    "assign",
    "start",
    "progress",
    "resolve",
    "close",
    "reopen",
    "cancel",
    "rate",
    "adopt",
    "note",
]
Actor = Literal["author", "manager", "assignee"]

# (state, action) → next state. Actions that do not move the state (progress, and assign
# once assigned) are listed as loops so that they too are allowed only where the table says.
FLOW: Transitions = {
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rejected",
    ("submitted", "cancel"): "cancelled",
    ("accepted", "assign"): "assigned",
    ("assigned", "assign"): "assigned",
    ("in_progress", "assign"): "assigned",
    ("reopened", "assign"): "assigned",
    ("assigned", "start"): "in_progress",
    ("reopened", "start"): "in_progress",
    ("in_progress", "progress"): "in_progress",
    ("in_progress", "resolve"): "resolved",
    ("resolved", "close"): "closed",
    ("resolved", "rate"): "closed",
    ("resolved", "reopen"): "reopened",
}

# Flags that do not move the state: where they are allowed.
OPEN_STATES = ("submitted", "accepted", "assigned", "in_progress", "resolved", "reopened")
ADOPTABLE_STATES = ("accepted", "assigned", "in_progress", "resolved", "reopened", "closed")
# The public board shows a public petition once staff accepted it, never a refused one.
BOARD_STATES = ("accepted", "assigned", "in_progress", "resolved", "reopened", "closed")
SUPPORTABLE_STATES = ("accepted", "assigned", "in_progress", "resolved", "reopened")
TERMINAL_STATES = ("rejected", "cancelled", "closed")

WHO: dict[Action, frozenset[Actor]] = {
    "accept": frozenset({"manager"}),
    "reject": frozenset({"manager"}),
    "assign": frozenset({"manager"}),
    "start": frozenset({"manager", "assignee"}),
    "progress": frozenset({"manager", "assignee"}),
    "resolve": frozenset({"manager", "assignee"}),
    "note": frozenset({"manager", "assignee"}),
    "adopt": frozenset({"manager"}),
    "close": frozenset({"author"}),
    "reopen": frozenset({"author"}),
    "cancel": frozenset({"author"}),
    "rate": frozenset({"author"}),
}

RATING_WINDOW = timedelta(days=7)
MAX_REOPENS = 2
HAPPY_RATING = 3  # 3-5 closes; 1-2 reopens while reopens remain


def may(action: Action, actors: frozenset[Actor]) -> bool:
    return bool(WHO[action] & actors)


def allowed_for(state: str, actors: frozenset[Actor], *, reopens: int) -> list[str]:
    """The actions this caller may take now (for front ends: show only what will work)."""
    moves = {a for (s, a) in FLOW if s == state}
    if state in OPEN_STATES:
        moves.add("note")
    if state in ADOPTABLE_STATES:
        moves.add("adopt")
    if reopens >= MAX_REOPENS:
        moves.discard("reopen")
    return sorted(a for a in moves if a in WHO and may(a, actors))


def after_rating(rating: int, reopens: int) -> Literal["close", "reopen"]:
    """A happy rating closes; an unhappy one reopens while the author has reopens left."""
    return "reopen" if rating < HAPPY_RATING and reopens < MAX_REOPENS else "close"


def accept_due(created_at: datetime, accept_within_hours: int) -> datetime:
    return created_at + timedelta(hours=accept_within_hours)


def resolve_due(started: datetime, resolve_within_days: int) -> datetime:
    """Resolution is due this many days after acceptance (or after a reopening)."""
    return started + timedelta(days=resolve_within_days)


def rating_open(resolved_at: datetime | None, now: datetime) -> bool:
    return resolved_at is not None and now <= resolved_at + RATING_WINDOW
