"""What is overdue at a moment, which miss it is, and where it escalates (pure, unit-tested).

A petition misses a deadline when it is still `submitted` at its `accept_due_at` (an accept
miss), or still being handled (accepted, assigned, in progress, reopened) at its
`resolve_due_at` (a resolve miss). It stays overdue until it leaves that state. Each miss
escalates once: `overdue_since` keeps the deadline that was missed and escalated, so a later
deadline (the resolve deadline after a late acceptance, or a new one after a reopening) is a
new miss and escalates again, while the same one never does twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, Protocol

from kit.paths import parent_of
from services.petitions.cases.rules import RATING_WINDOW

Miss = Literal["accept", "resolve"]

AWAITING_ACCEPTANCE = ("submitted",)
BEING_HANDLED = ("accepted", "assigned", "in_progress", "reopened")

TIMELINE_TEXT: dict[Miss, str] = {
    "accept": "超过受理时限未受理，已上报上级单位督办",
    "resolve": "超过办理时限未办结，已上报上级单位督办",
}
AUTO_CLOSE_TEXT = "评价期内未评价，系统自动结案"


class Deadlines(Protocol):
    """The fields of a petition the deadline rules read (a Petition satisfies it)."""

    @property
    def status(self) -> str: ...
    @property
    def accept_due_at(self) -> datetime: ...
    @property
    def resolve_due_at(self) -> datetime | None: ...
    @property
    def overdue_since(self) -> datetime | None: ...


def missed(p: Deadlines, now: datetime) -> tuple[Miss, datetime] | None:
    """The deadline the petition is past at `now` and which kind it is; None if none."""
    if p.status in AWAITING_ACCEPTANCE and p.accept_due_at <= now:
        return "accept", p.accept_due_at
    if p.status in BEING_HANDLED and p.resolve_due_at is not None and p.resolve_due_at <= now:
        return "resolve", p.resolve_due_at
    return None


def overdue(p: Deadlines, now: datetime) -> bool:
    return missed(p, now) is not None


def to_escalate(p: Deadlines, now: datetime) -> tuple[Miss, datetime] | None:
    """The miss to escalate now: overdue, and this very deadline was not escalated before."""
    miss = missed(p, now)
    if miss is None or p.overdue_since == miss[1]:
        return None
    return miss


def escalation_target(community_path: str) -> uuid.UUID | None:
    """One unit up from the community (its town or street office); None at the root."""
    return parent_of(community_path)


def closes_unrated(status: str, resolved_at: datetime | None, now: datetime) -> bool:
    """A resolved petition closes by itself once its rating window passed. Still `resolved`
    means unrated since this resolution: a rating closes or reopens it at once (a rating
    left from before a reopening is an old one, so `rating` itself is not looked at)."""
    return status == "resolved" and resolved_at is not None and now > resolved_at + RATING_WINDOW
