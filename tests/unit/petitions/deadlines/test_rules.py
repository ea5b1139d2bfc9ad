"""Deadline rules: what is overdue, which miss it is, once per deadline, where it goes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from services.petitions.deadlines.rules import (
    closes_unrated,
    escalation_target,
    missed,
    overdue,
    to_escalate,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ACCEPT_DUE = T0 + timedelta(hours=24)
RESOLVE_DUE = T0 + timedelta(days=8)


@dataclass(frozen=True)
class P:
    status: str = "submitted"
    accept_due_at: datetime = ACCEPT_DUE
    resolve_due_at: datetime | None = None
    overdue_since: datetime | None = None


def test_submitted_petition_is_not_overdue_before_its_accept_deadline() -> None:
    assert missed(P(), ACCEPT_DUE - timedelta(seconds=1)) is None


def test_submitted_petition_misses_acceptance_at_its_deadline() -> None:
    assert missed(P(), ACCEPT_DUE) == ("accept", ACCEPT_DUE)


@pytest.mark.parametrize("status", ["accepted", "assigned", "in_progress", "reopened"])
def test_petition_being_handled_misses_resolution_at_its_deadline(status: str) -> None:
    p = P(status=status, resolve_due_at=RESOLVE_DUE)
    assert missed(p, RESOLVE_DUE - timedelta(seconds=1)) is None
    assert missed(p, RESOLVE_DUE) == ("resolve", RESOLVE_DUE)


@pytest.mark.parametrize("status", ["resolved", "closed", "rejected", "cancelled"])
def test_petition_past_handling_is_never_overdue(status: str) -> None:
    p = P(status=status, resolve_due_at=RESOLVE_DUE)
    assert not overdue(p, RESOLVE_DUE + timedelta(days=30))


def test_accepted_late_petition_is_no_longer_overdue_for_acceptance() -> None:
    p = P(status="accepted", resolve_due_at=RESOLVE_DUE, overdue_since=ACCEPT_DUE)
    assert not overdue(p, ACCEPT_DUE + timedelta(days=1))


def test_a_miss_escalates_once() -> None:
    p = P()
    assert to_escalate(p, ACCEPT_DUE) == ("accept", ACCEPT_DUE)
    assert to_escalate(replace(p, overdue_since=ACCEPT_DUE), ACCEPT_DUE + timedelta(days=3)) is None


def test_resolve_miss_after_an_escalated_accept_miss_escalates_again() -> None:
    p = P(status="in_progress", resolve_due_at=RESOLVE_DUE, overdue_since=ACCEPT_DUE)
    assert to_escalate(p, RESOLVE_DUE) == ("resolve", RESOLVE_DUE)


def test_new_resolve_deadline_after_reopening_escalates_again() -> None:
    later = RESOLVE_DUE + timedelta(days=10)
    p = P(status="reopened", resolve_due_at=later, overdue_since=RESOLVE_DUE)
    assert to_escalate(p, later - timedelta(seconds=1)) is None
    assert to_escalate(p, later) == ("resolve", later)


def test_escalation_goes_to_the_communitys_town() -> None:
    district, town, community = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert escalation_target(f"/{district}/{town}/{community}") == town


def test_a_root_unit_has_nowhere_to_escalate() -> None:
    assert escalation_target(f"/{uuid.uuid4()}") is None


def test_resolved_petition_closes_after_seven_days_without_rating() -> None:
    resolved = T0
    assert not closes_unrated("resolved", resolved, resolved + timedelta(days=7))
    assert closes_unrated("resolved", resolved, resolved + timedelta(days=7, seconds=1))


def test_reopened_or_closed_petition_does_not_close_by_timeout() -> None:
    late = T0 + timedelta(days=30)
    assert not closes_unrated("reopened", None, late)
    assert not closes_unrated("closed", T0, late)
