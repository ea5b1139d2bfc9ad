"""Pure rules of points claims: the state machines, date and evidence checks, masking."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kit import masking
from kit.errors import Conflict, Forbidden, Invalid
from kit.states import transition
from services.points.base import LOCAL
from services.points.claims.models import Claim
from services.points.listing.rules import Item

MAX_AGE_DAYS = 90
CLAIM_MISSING = "申报不存在或无权访问"

# A claim's life as data: (status, action) → next status. Anything not listed is a 409
# (kit.states.transition).
CLAIM_FLOW: dict[tuple[str, str], str] = {
    ("submitted", "approve"): "publicity",
    ("submitted", "reject"): "rejected",
    ("publicity", "object"): "publicity",
    ("publicity", "uphold"): "rejected",
    # A second upheld objection on an already rejected claim changes nothing.
    ("rejected", "uphold"): "rejected",
    ("publicity", "vest"): "vested",
}
OBJECTION_FLOW: dict[tuple[str, str], str] = {
    ("open", "uphold"): "upheld",
    ("open", "dismiss"): "dismissed",
}


def local_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


def fact_time(day: date) -> datetime:
    """A moment on `day` (local noon), for finding the list version in force that day."""
    return datetime.combine(day, time(12), tzinfo=LOCAL)


def check_occurred_on(occurred_on: date, *, today: date, max_age_days: int = MAX_AGE_DAYS) -> None:
    if occurred_on > today:
        raise Invalid("发生日期不能晚于今天", field="occurred_on")
    if occurred_on < today - timedelta(days=max_age_days):
        raise Invalid(f"只能申报{max_age_days}天内发生的事项", field="occurred_on")


def check_claimable(item: Item, evidence: Sequence[str]) -> None:
    """Only positive items marked `requires_claim` are claimed; some need evidence."""
    if not item.requires_claim or item.points <= 0:
        raise Invalid("该项目无需申报", field="item_code")
    if item.evidence_required and not evidence:
        raise Invalid("该项目需要提供证明材料", field="evidence")


def check_review(decision: str, reason: str | None) -> None:
    if decision == "reject" and not reason:
        raise Invalid("驳回时需要说明理由", field="reason")


def check_objector(claim: Claim, objector: uuid.UUID, community_id: uuid.UUID | None) -> None:
    if community_id != claim.community_id:
        raise Forbidden("只有本社区的居民可以提出异议")
    if objector == claim.resident_id:
        raise Forbidden("不能对自己的申报提出异议")


def check_objection_window(status: str, ends_at: datetime | None, now: datetime) -> None:
    transition(CLAIM_FLOW, status, "object")
    if ends_at is None or now >= ends_at:
        raise Conflict("公示期已结束", field="status", current=status, action="object")


def publicity_ends(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def mask_name(name: str | None) -> str:
    """张*三 on the public board, by the same rule as the red lists."""
    return masking.mask_name(name or "居民")


@dataclass(frozen=True)
class ClaimDraft:
    item_code: str
    occurred_on: date
    description: str
    evidence: list[str]


@dataclass(frozen=True)
class Notice:
    """One line of the public board: no resident id, no phone, the name masked."""

    claim_id: uuid.UUID
    name: str
    item_code: str
    item_name: str | None
    points: int | None
    occurred_on: date
    publicity_ends_at: datetime | None
