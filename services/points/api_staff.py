"""Staff work on the ledger: adjustments, reversals, unmatched volunteer activities."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from contracts.volunteer import ActivityCompleted
from kit.errors import Conflict, Invalid, NotFound
from kit.events import CloudEvent
from services.points import accounts, awards_volunteer, postings, rules, statements
from services.points.deps import Now, PointsStaff, Session
from services.points.ledger import Fact
from services.points.models import Posting
from services.points.models_flow import UnmatchedActivity
from services.points.schemas import (
    AdjustmentIn,
    PostingOut,
    ReversalIn,
    UnmatchedOut,
    UnmatchedResolveIn,
)
from services.points.scope import ensure_staff_for

router = APIRouter(tags=["staff"])


@router.post("/adjustments", status_code=201)
async def adjust(body: AdjustmentIn, scope: PointsStaff, session: Session, now: Now) -> PostingOut:
    account = await statements.account_of(session, body.resident_id)
    if account.community_path is None or not scope.covers(account.community_path):
        raise NotFound("积分账户不存在")
    assert account.community_id is not None
    item = await rules.item_in_force(
        session, community_id=account.community_id, code=body.item_code, at=now, field="item_code"
    )
    wallet = await accounts.lock_wallet(session, body.resident_id)
    assert wallet is not None
    fact = Fact(
        source_type="staff",
        source_id=uuid.uuid4().hex,
        actor=scope.principal.sub,
        reason=body.reason,
        occurred_at=now,
        item_code=item.code,
    )
    if body.amount > 0:
        posting_id = await postings.award(
            session, wallet=wallet, amount=body.amount, fact=fact, kind="adjustment"
        )
    else:
        posting_id = await postings.deduct(session, wallet=wallet, penalty=-body.amount, fact=fact)
    await session.commit()
    return PostingOut.model_validate(await session.get(Posting, posting_id))


@router.post("/postings/{posting_id}/reversal", status_code=201)
async def reverse(
    posting_id: uuid.UUID, body: ReversalIn, scope: PointsStaff, session: Session, now: Now
) -> PostingOut:
    original = await session.get(Posting, posting_id)
    if original is None or original.resident_id is None:
        raise NotFound("记账记录不存在")
    account = await statements.account_of(session, original.resident_id)
    if account.community_path is None or not scope.covers(account.community_path):
        raise NotFound("记账记录不存在")
    new_id = await postings.reverse(
        session,
        posting_id=posting_id,
        actor=scope.principal.sub,
        reason=body.reason,
        fact_time=now,
    )
    await session.commit()
    return PostingOut.model_validate(await session.get(Posting, new_id))


@router.get("/communities/{community_id}/unmatched")
async def unmatched(
    community_id: uuid.UUID, scope: PointsStaff, session: Session
) -> list[UnmatchedOut]:
    await ensure_staff_for(session, scope, community_id)
    rows = await session.scalars(
        select(UnmatchedActivity)
        .where(UnmatchedActivity.community_id == community_id, UnmatchedActivity.status == "open")
        .order_by(UnmatchedActivity.created_at)
    )
    return [
        UnmatchedOut(
            id=r.id,
            community_id=r.community_id,
            activity_type=r.activity_type,
            title=_title(r),
            status=r.status,
            created_at=r.created_at,
        )
        for r in rows
    ]


def _title(row: UnmatchedActivity) -> str:
    data = CloudEvent.model_validate(row.envelope).data
    activity = data.get("activity")
    return str(activity.get("title", "")) if isinstance(activity, dict) else ""


@router.post("/unmatched/{unmatched_id}/resolve")
async def resolve_unmatched(
    unmatched_id: uuid.UUID,
    body: UnmatchedResolveIn,
    scope: PointsStaff,
    session: Session,
    now: Now,
) -> UnmatchedOut:
    row = await session.get(UnmatchedActivity, unmatched_id, with_for_update=True)
    if row is None or row.community_id is None:
        raise NotFound("未匹配记录不存在")
    await ensure_staff_for(session, scope, row.community_id)
    if row.status != "open":
        raise Conflict("该记录已处理", field="status")
    if body.action == "dismiss":
        if not body.reason:
            raise Invalid("驳回需要填写理由", field="reason")
        row.status, row.resolution = "dismissed", body.reason
    else:
        await _map(session, row, body)
    row.resolved_by = scope.principal.sub
    await session.commit()
    return UnmatchedOut(
        id=row.id,
        community_id=row.community_id,
        activity_type=row.activity_type,
        title=_title(row),
        status=row.status,
        created_at=row.created_at,
    )


async def _map(session: Session, row: UnmatchedActivity, body: UnmatchedResolveIn) -> None:
    if not body.item_code:
        raise Invalid("请选择积分项目", field="item_code")
    envelope = CloudEvent.model_validate(row.envelope)
    data = ActivityCompleted.model_validate(envelope.data)
    assert row.community_id is not None
    item = await rules.item_in_force(
        session,
        community_id=row.community_id,
        code=body.item_code,
        at=data.completed_at,
        field="item_code",
    )
    wallet = await awards_volunteer.find_wallet(session, data)
    if wallet is None:
        raise Conflict("志愿者尚未注册", field="item_code")
    await awards_volunteer.apply_activity(
        session, envelope=envelope, data=data, wallet=wallet, item=item
    )
    row.status, row.resolution = "mapped", body.item_code
