from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.petitions.cases.models import STATES
from services.petitions.cases.rules import (
    FLOW,
    MAX_REOPENS,
    WHO,
    Actor,
    accept_due,
    after_rating,
    allowed_for,
    rating_open,
    resolve_due,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_the_table_only_names_known_states_and_actions() -> None:
    for (origin, action), target in FLOW.items():
        assert origin in STATES and target in STATES
        assert action in WHO


def test_terminal_states_have_no_way_out() -> None:
    for state in ("rejected", "cancelled", "closed"):
        assert not [a for (s, a) in FLOW if s == state]


def test_happy_ratings_close_and_unhappy_ones_reopen_while_reopens_remain() -> None:
    assert [after_rating(r, 0) for r in range(1, 6)] == [
        "reopen",
        "reopen",
        "close",
        "close",
        "close",
    ]
    assert after_rating(1, MAX_REOPENS - 1) == "reopen"
    assert after_rating(1, MAX_REOPENS) == "close"


def test_allowed_actions_depend_on_who_asks() -> None:
    author: frozenset[Actor] = frozenset({"author"})
    manager: frozenset[Actor] = frozenset({"manager"})
    assignee: frozenset[Actor] = frozenset({"assignee"})
    assert allowed_for("submitted", author, reopens=0) == ["cancel"]
    assert allowed_for("submitted", manager, reopens=0) == ["accept", "note", "reject"]
    assert allowed_for("resolved", author, reopens=0) == ["close", "rate", "reopen"]
    assert allowed_for("resolved", author, reopens=MAX_REOPENS) == ["close", "rate"]
    assert allowed_for("closed", manager, reopens=0) == ["adopt"]
    assert allowed_for("in_progress", assignee, reopens=0) == [
        "note",
        "progress",
        "resolve",
    ]


def test_deadlines() -> None:
    assert accept_due(T0, 24) == T0 + timedelta(hours=24)
    assert resolve_due(T0, 7) == T0 + timedelta(days=7)
    assert rating_open(T0, T0 + timedelta(days=7))
    assert not rating_open(T0, T0 + timedelta(days=7, seconds=1))
    assert not rating_open(None, T0)
