"""Pure rules of points claims: the state machines, dates, evidence, review, masking."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from kit.errors import Conflict, Forbidden, Invalid
from kit.states import transition
from services.points.claims import rules as claims
from services.points.claims.models import Claim
from services.points.listing.rules import Item

TODAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 2, tzinfo=UTC)  # 10:00 in Shanghai


def item(**overrides: object) -> Item:
    base = {
        "code": "CLEAN",
        "name": "环境整治",
        "category": "环境",
        "points": 5,
        "requires_claim": True,
    }
    return Item.model_validate({**base, **overrides})


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("submitted", "approve", "publicity"),
        ("submitted", "reject", "rejected"),
        ("publicity", "uphold", "rejected"),
        ("publicity", "vest", "vested"),
        ("rejected", "uphold", "rejected"),
    ],
)
def test_allowed_claim_transitions_lead_to_their_status(status: str, action: str, after: str):
    assert transition(claims.CLAIM_FLOW, status, action) == after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("publicity", "approve"),
        ("rejected", "approve"),
        ("vested", "reject"),
        ("submitted", "vest"),
        ("vested", "uphold"),
        ("submitted", "object"),
        ("vested", "vest"),
    ],
)
def test_refused_claim_transitions_are_conflicts(status: str, action: str):
    with pytest.raises(Conflict) as refused:
        transition(claims.CLAIM_FLOW, status, action)
    assert refused.value.field == "status"
    assert action not in refused.value.extra["allowed_actions"]


def test_an_objection_is_resolved_once():
    assert transition(claims.OBJECTION_FLOW, "open", "dismiss") == "dismissed"
    assert transition(claims.OBJECTION_FLOW, "open", "uphold") == "upheld"
    with pytest.raises(Conflict):
        transition(claims.OBJECTION_FLOW, "dismissed", "uphold")


def test_occurrence_today_and_ninety_days_back_are_accepted():
    claims.check_occurred_on(TODAY, today=TODAY)
    claims.check_occurred_on(TODAY - timedelta(days=90), today=TODAY)


@pytest.mark.parametrize("day", [TODAY + timedelta(days=1), TODAY - timedelta(days=91)])
def test_occurrence_in_the_future_or_too_long_ago_names_occurred_on(day: date):
    with pytest.raises(Invalid) as refused:
        claims.check_occurred_on(day, today=TODAY)
    assert refused.value.field == "occurred_on"


def test_today_is_the_shanghai_date():
    late_evening_utc = datetime(2026, 11, 27, 17, tzinfo=UTC)  # 01:00 on the 28th in Shanghai
    assert claims.local_day(late_evening_utc) == TODAY
    assert claims.fact_time(TODAY).date() == TODAY


def test_an_item_that_does_not_require_a_claim_is_refused_naming_item_code():
    with pytest.raises(Invalid) as refused:
        claims.check_claimable(item(requires_claim=False), [])
    assert refused.value.field == "item_code"


def test_a_negative_item_cannot_be_claimed():
    with pytest.raises(Invalid) as refused:
        claims.check_claimable(item(points=-10), [])
    assert refused.value.field == "item_code"


def test_evidence_is_needed_only_when_the_item_requires_it():
    claims.check_claimable(item(), [])
    claims.check_claimable(item(evidence_required=True), ["https://img.example/1.jpg"])
    with pytest.raises(Invalid) as refused:
        claims.check_claimable(item(evidence_required=True), [])
    assert refused.value.field == "evidence"


def test_rejecting_needs_a_reason_approving_does_not():
    claims.check_review("approve", None)
    claims.check_review("reject", "材料不足")
    with pytest.raises(Invalid) as refused:
        claims.check_review("reject", None)
    assert refused.value.field == "reason"


def claim(status: str = "publicity", ends_at: datetime | None = NOW) -> Claim:
    return Claim(
        id=uuid.uuid4(),
        resident_id=uuid.uuid4(),
        community_id=uuid.uuid4(),
        status=status,
        publicity_ends_at=ends_at,
    )


def test_objections_are_taken_only_before_the_publicity_period_ends():
    claims.check_objection_window("publicity", NOW, NOW - timedelta(seconds=1))
    with pytest.raises(Conflict):
        claims.check_objection_window("publicity", NOW, NOW)
    with pytest.raises(Conflict):
        claims.check_objection_window("submitted", None, NOW)
    with pytest.raises(Conflict):
        claims.check_objection_window("vested", NOW, NOW - timedelta(days=1))


def test_only_a_neighbour_other_than_the_claimant_may_object():
    target = claim()
    claims.check_objector(target, uuid.uuid4(), target.community_id)
    with pytest.raises(Forbidden):
        claims.check_objector(target, target.resident_id, target.community_id)
    with pytest.raises(Forbidden):
        claims.check_objector(target, uuid.uuid4(), uuid.uuid4())


def test_publicity_ends_the_configured_number_of_days_later():
    assert claims.publicity_ends(NOW, 3) == NOW + timedelta(days=3)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张小三", "张*三"),
        ("欧阳娜娜", "欧**娜"),
        ("李四", "李*"),
        ("王", "王"),
        (None, "居*"),
        ("", "居*"),
    ],
)
def test_names_on_the_public_board_are_masked(name: str | None, masked: str):
    assert claims.mask_name(name) == masked
