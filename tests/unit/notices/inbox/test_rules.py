"""Pure rules of the inbox: who is told what, push outcomes, stream formats."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.mall import OrderConfirmed, OrderExpired, OrderFulfilled, OrderPlaced
from contracts.petitions import PetitionAssigned, PetitionRated, PetitionRejected
from contracts.points import ClaimReviewed, HoldRejected, PointsAwarded, PointsExpiringSoon
from kit.events import ParsedEvent, new_event
from services.notices.inbox import rules
from services.notices.inbox.handlers import source_key
from services.notices.inbox.rules import PushOutcome

AT = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)  # 2026-11-30 00:30 in Shanghai
RID = str(uuid.uuid4())


def award(points: int, capped: int = 0) -> PointsAwarded:
    return PointsAwarded(
        resident_id=RID,
        community_id="c",
        posting_id="p",
        source_type="volunteer",
        source_id="s",
        posted_at=AT,
        points=points,
        capped=capped,
    )


def test_an_award_tells_the_resident_how_many_points_and_what_a_cap_took() -> None:
    [draft] = rules.compose(award(5, capped=3))
    assert draft.resident_id == RID and draft.kind == "points.awarded"
    assert "5 积分" in draft.body and "3 分未计入" in draft.body
    assert draft.link == "/pages/points/index"


def test_an_approved_claim_names_the_local_end_of_publicity() -> None:
    data = ClaimReviewed(
        resident_id=RID, community_id="c", claim_id="k1", decision="approve", publicity_ends_at=AT
    )
    [draft] = rules.compose(data)
    assert draft.kind == "points.claim_approved" and "2026-11-30" in draft.body
    assert draft.link == "/pages/points/claim?id=k1"


def test_a_rejected_claim_gives_the_reason() -> None:
    data = ClaimReviewed(
        resident_id=RID, community_id="c", claim_id="k1", decision="reject", reason="材料不全"
    )
    assert "材料不全" in rules.compose(data)[0].body


def test_expiring_points_name_the_day() -> None:
    data = PointsExpiringSoon(
        resident_id=RID, community_id="c", points=8, expires_on=date(2026, 12, 31)
    )
    assert "2026-12-31" in rules.compose(data)[0].body


def test_a_rejected_hold_explains_itself_and_links_the_order() -> None:
    data = HoldRejected(
        order_id="o1", resident_id=RID, community_id="c", points=5, reason="insufficient"
    )
    [draft] = rules.compose(data)
    assert "积分不足" in draft.body and draft.link == "/pages/mall/order?id=o1"


def petition(model: type, **extra: object) -> object:
    return model(
        petition_id="p1",
        author_id=RID,
        community_id="c",
        title="路灯坏了",
        occurred_at=AT,
        **extra,
    )


def test_an_assignment_tells_the_author_and_the_assignee() -> None:
    staff = str(uuid.uuid4())
    drafts = rules.compose(petition(PetitionAssigned, status="assigned", assignee_id=staff))  # type: ignore[arg-type]
    assert [(d.resident_id, d.kind) for d in drafts] == [
        (RID, "petitions.assigned"),
        (staff, "petitions.todo"),
    ]
    assert all(d.link == "/pages/petitions/detail?id=p1" for d in drafts)


def test_an_assignment_to_a_unit_tells_only_the_author() -> None:
    data = petition(PetitionAssigned, status="assigned", assignee_unit_id="u1")
    assert len(rules.compose(data)) == 1  # type: ignore[arg-type]


def test_a_rejection_carries_its_reason() -> None:
    data = petition(PetitionRejected, status="rejected", reason="不属于本社区事项")
    assert "不属于本社区事项" in rules.compose(data)[0].body  # type: ignore[arg-type]


def test_the_authors_own_rating_makes_no_message() -> None:
    # Rating is the author's own act: nothing to tell them (and no consumer is registered).
    assert PetitionRated not in rules.COMPOSERS


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (
            OrderFulfilled(order_id="o", resident_id=RID, community_id="c", fulfilled_at=AT),
            "mall.fulfilled",
        ),
        (
            OrderExpired(order_id="o", resident_id=RID, community_id="c", expired_at=AT),
            "mall.expired",
        ),
    ],
)
def test_order_changes_go_to_the_buyer(data: object, kind: str) -> None:
    [draft] = rules.compose(data)  # type: ignore[arg-type]
    assert draft.kind == kind and draft.resident_id == RID


def test_a_confirmed_order_names_the_local_pickup_deadline_but_never_the_code() -> None:
    confirmed = OrderConfirmed(
        order_id="o1",
        resident_id=RID,
        community_id="c",
        counter_id="k",
        total_points=30,
        pickup_by=AT,
    )
    [draft] = rules.compose(confirmed)
    assert draft.kind == "mall.confirmed"
    assert "2026-11-30 00:30" in draft.body
    assert draft.link == "/pages/mall/order?id=o1"


def test_a_repeated_placement_or_answer_is_one_message_per_order_step() -> None:
    placed = OrderPlaced(
        order_id="o1", resident_id=RID, community_id="c", total_points=30, placed_at=AT
    )
    first, again = (
        ParsedEvent(envelope=new_event(placed, source="/services/mall", subject="o1"), data=placed)
        for _ in range(2)
    )
    assert first.envelope.id != again.envelope.id
    assert source_key(first) == source_key(again)
    award_event = ParsedEvent(
        envelope=new_event(award(5), source="/services/points", subject=RID), data=award(5)
    )
    assert source_key(award_event).endswith(award_event.envelope.id)


def test_every_title_fits_its_column() -> None:
    data = petition(PetitionRejected, status="rejected", reason="原" * 200)
    for draft in rules.compose(data):  # type: ignore[arg-type]
        assert len(draft.title) <= 100 and len(draft.body) <= 500
    title, body = rules.notice_draft("公" * 200)
    assert len(title) <= 100 and len(body) <= 500


@pytest.mark.parametrize(
    ("errcode", "outcome"),
    [
        (0, PushOutcome.SENT),
        (43101, PushOutcome.REFUSED),
        (42001, PushOutcome.RETRY),
        (-1, PushOutcome.RETRY),
        (45009, PushOutcome.RETRY),
        (47003, PushOutcome.FAILED),
        (40003, PushOutcome.FAILED),
    ],
)
def test_wechat_error_codes_map_to_outcomes(errcode: int, outcome: PushOutcome) -> None:
    assert rules.push_outcome(errcode) is outcome


def test_push_backoff_doubles_up_to_ten_minutes() -> None:
    waits = [rules.push_backoff(n) for n in range(1, 10)]
    assert waits[:3] == [timedelta(seconds=10), timedelta(seconds=20), timedelta(seconds=40)]
    assert max(waits) == timedelta(minutes=10)


def test_template_values_fit_wechats_limits_and_show_local_time() -> None:
    data = rules.wechat_data(title="标" * 30, body="您获得 5 积分。", created_at=AT)
    assert len(data["thing1"]["value"]) == 20 and data["thing1"]["value"].endswith("…")
    assert data["time3"]["value"] == "2026-11-30 00:30"


def test_an_sse_event_carries_the_seq_as_its_id() -> None:
    text = rules.sse_event(42, {"title": "积分到账"})
    assert text == 'id: 42\nevent: message\ndata: {"title": "积分到账"}\n\n'


@pytest.mark.parametrize(
    ("header", "query", "expected"),
    [
        (None, None, None),
        ("17", None, 17),
        (None, "9", 9),
        ("17", "9", 17),
        ("x", "9", 9),
        ("-1", None, None),
        ("9" * 19, None, None),
        ("１２", None, None),
    ],
)
def test_the_resume_point_prefers_the_header(
    header: str | None, query: str | None, expected: int | None
) -> None:
    assert rules.resume_point(header, query) == expected


def test_topics_pick_templates_by_the_first_part_of_the_kind() -> None:
    assert rules.topic_of("petitions.todo") == "petitions"
    assert rules.topic_of("notices.require_ack") == "notices"
