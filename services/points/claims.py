"""Points claims (申报 → 审核 → 公示): the pure rules first, then the service functions."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.points import ClaimReviewed
from kit.deps import StaffScope
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.points import boards, rules, scope
from services.points.events import publish
from services.points.models import Account
from services.points.models_flow import Claim, Objection
from services.points.wallet import LOCAL

log = logging.getLogger("points.claims")

MAX_AGE_DAYS = 90
CLAIM_MISSING = "申报不存在或无权访问"

# A claim's life as data: (status, action) → next status. Anything not listed is a 409.
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


def next_status(flow: dict[tuple[str, str], str], status: str, action: str) -> str:
    """The one place a transition is checked; a refused one is a Conflict (409)."""
    after = flow.get((status, action))
    if after is None:
        raise Conflict("当前状态不允许该操作", field="status", current=status, action=action)
    return after


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


def check_claimable(item: rules.Item, evidence: Sequence[str]) -> None:
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
    next_status(CLAIM_FLOW, status, "object")
    if ends_at is None or now >= ends_at:
        raise Conflict("公示期已结束", field="status", current=status, action="object")


def publicity_ends(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def mask_name(name: str | None) -> str:
    """张*三 on the public board, by the same rule as the red lists."""
    return boards.mask_name(name or "居民")


def encode_cursor(claim: Claim) -> str:
    return f"{claim.created_at.isoformat()}|{claim.id}"


def decode_cursor(raw: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, claim_id = raw.split("|")
        when, after = datetime.fromisoformat(at), uuid.UUID(claim_id)
    except ValueError:
        raise Invalid("分页游标无效", field="cursor") from None
    if when.tzinfo is None:
        raise Invalid("分页游标无效", field="cursor")
    return when, after


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


def resident_id_of(sub: str) -> uuid.UUID:
    try:
        return uuid.UUID(sub)
    except ValueError:
        raise Conflict("您还没有积分账户", field="resident") from None


async def resident_account(session: AsyncSession, resident_id: uuid.UUID) -> Account:
    account = await session.scalar(
        select(Account).where(Account.resident_id == resident_id, Account.kind == "resident")
    )
    if account is None or account.community_id is None:
        raise Conflict("您还没有积分账户", field="resident")
    return account


async def claim_item(session: AsyncSession, claim: Claim) -> rules.Item | None:
    """The claimed item in the list version in force on the day it happened."""
    version = await rules.in_force(
        session, community_id=claim.community_id, at=fact_time(claim.occurred_on)
    )
    return next((i for i in rules.items_of(version) if i.code == claim.item_code), None)


async def submit(
    *, session: AsyncSession, resident_id: uuid.UUID, draft: ClaimDraft, now: datetime
) -> Claim:
    check_occurred_on(draft.occurred_on, today=local_day(now))
    account = await resident_account(session, resident_id)
    assert account.community_id is not None
    item = await rules.item_in_force(
        session,
        community_id=account.community_id,
        code=draft.item_code,
        at=fact_time(draft.occurred_on),
        field="item_code",
    )
    check_claimable(item, draft.evidence)
    claim = Claim(
        id=uuid.uuid4(),
        resident_id=resident_id,
        community_id=account.community_id,
        item_code=item.code,
        occurred_on=draft.occurred_on,
        description=draft.description,
        evidence=list(draft.evidence),
        status="submitted",
        created_at=now,
    )
    session.add(claim)
    await session.flush()
    return claim


async def list_claims(
    *,
    session: AsyncSession,
    community_id: uuid.UUID | None,
    resident_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> list[Claim]:
    """Newest first, keyset-paginated on (created_at, id); at most `limit` + 1 rows."""
    stmt = select(Claim).order_by(Claim.created_at.desc(), Claim.id.desc()).limit(limit + 1)
    if community_id is not None:
        stmt = stmt.where(Claim.community_id == community_id)
    if resident_id is not None:
        stmt = stmt.where(Claim.resident_id == resident_id)
    if status is not None:
        stmt = stmt.where(Claim.status == status)
    if cursor is not None:
        stmt = stmt.where(tuple_(Claim.created_at, Claim.id) < tuple_(*decode_cursor(cursor)))
    return list((await session.scalars(stmt)).all())


async def objections_of(
    session: AsyncSession, claim_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Objection]]:
    found: dict[uuid.UUID, list[Objection]] = {i: [] for i in claim_ids}
    rows = await session.scalars(
        select(Objection).where(Objection.claim_id.in_(claim_ids)).order_by(Objection.created_at)
    )
    for objection in rows:
        found[objection.claim_id].append(objection)
    return found


async def lock_claim(session: AsyncSession, claim_id: uuid.UUID) -> Claim:
    """The claim under its row lock: reviews, objections and the vesting job queue here."""
    claim = await session.scalar(
        select(Claim)
        .where(Claim.id == claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if claim is None:
        raise NotFound(CLAIM_MISSING)
    return claim


async def claim_for_staff(session: AsyncSession, staff: StaffScope, claim_id: uuid.UUID) -> Claim:
    """404 both when the claim does not exist and when it is outside the staff's units."""
    claim = await lock_claim(session, claim_id)
    try:
        await scope.ensure_staff_for(session, staff, claim.community_id)
    except NotFound:
        raise NotFound(CLAIM_MISSING) from None
    return claim


async def announce_review(session: AsyncSession, claim: Claim, decision: str) -> None:
    event = ClaimReviewed(
        resident_id=str(claim.resident_id),
        community_id=str(claim.community_id),
        claim_id=str(claim.id),
        decision="approve" if decision == "approve" else "reject",
        reason=claim.review_reason,
        publicity_ends_at=claim.publicity_ends_at,
    )
    await publish(session, event, subject=str(claim.resident_id))


async def review(
    *,
    session: AsyncSession,
    staff: StaffScope,
    claim_id: uuid.UUID,
    decision: str,
    reason: str | None,
    now: datetime,
) -> Claim:
    claim = await claim_for_staff(session, staff, claim_id)
    check_review(decision, reason)
    claim.status = next_status(CLAIM_FLOW, claim.status, decision)
    claim.review_reason = reason
    claim.reviewed_by = staff.principal.sub
    if decision == "approve":
        community = await scope.settings_of(session, claim.community_id)
        claim.publicity_ends_at = publicity_ends(now, community.publicity_days)
    await announce_review(session, claim, decision)
    return claim


async def object_to(
    *,
    session: AsyncSession,
    objector: uuid.UUID,
    claim_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> Objection:
    claim = await lock_claim(session, claim_id)
    account = await resident_account(session, objector)
    check_objector(claim, objector, account.community_id)
    check_objection_window(claim.status, claim.publicity_ends_at, now)
    already = await session.scalar(
        select(Objection.id).where(
            Objection.claim_id == claim.id,
            Objection.objector_id == objector,
            Objection.status == "open",
        )
    )
    if already is not None:
        raise Conflict("您对该申报的异议正在处理中", field="claim_id")
    objection = Objection(
        id=uuid.uuid4(),
        claim_id=claim.id,
        objector_id=objector,
        reason=reason,
        status="open",
        created_at=now,
    )
    session.add(objection)
    await session.flush()
    return objection


async def resolve(
    *,
    session: AsyncSession,
    staff: StaffScope,
    objection_id: uuid.UUID,
    decision: str,
    reason: str | None,
) -> tuple[Objection, Claim]:
    """Uphold (the claim is rejected with the objection's reason) or dismiss (it continues)."""
    found = await session.get(Objection, objection_id)
    if found is None:
        raise NotFound("异议不存在或无权访问")
    # Lock order claim → objection, the same as filing an objection and vesting.
    claim = await claim_for_staff(session, staff, found.claim_id)
    await session.refresh(found, with_for_update=True)
    found.status = next_status(OBJECTION_FLOW, found.status, decision)
    found.resolved_by = staff.principal.sub
    # objections has no column for the resolution note yet: keep it in the audit log.
    log.info(
        "objection resolved",
        extra={"objection_id": str(found.id), "decision": decision, "note": reason},
    )
    if decision == "uphold":
        before = claim.status
        claim.status = next_status(CLAIM_FLOW, claim.status, "uphold")
        if before != claim.status:
            claim.review_reason = found.reason
            claim.reviewed_by = staff.principal.sub
            await announce_review(session, claim, "reject")
    return found, claim


async def publicity_board(
    *, session: AsyncSession, community_id: uuid.UUID, limit: int = 100
) -> list[Notice]:
    rows = await session.execute(
        select(Claim, Account.name)
        .join(Account, Account.resident_id == Claim.resident_id)
        .where(Claim.community_id == community_id, Claim.status == "publicity")
        .order_by(Claim.publicity_ends_at, Claim.id)
        .limit(limit)
    )
    notices, lists = [], dict[date, dict[str, rules.Item]]()  # one list lookup per day
    for claim, name in rows:
        if claim.occurred_on not in lists:
            version = await rules.in_force(
                session, community_id=community_id, at=fact_time(claim.occurred_on)
            )
            lists[claim.occurred_on] = {i.code: i for i in rules.items_of(version)}
        item = lists[claim.occurred_on].get(claim.item_code)
        notices.append(
            Notice(
                claim_id=claim.id,
                name=mask_name(name),
                item_code=claim.item_code,
                item_name=item.name if item else None,
                points=item.points if item else None,
                occurred_on=claim.occurred_on,
                publicity_ends_at=claim.publicity_ends_at,
            )
        )
    return notices
