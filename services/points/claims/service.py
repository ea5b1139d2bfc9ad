"""Points claims (申报 → 审核 → 公示): the service functions (the rules are in claims/rules.py)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.points import ClaimReviewed
from kit.deps import StaffScope
from kit.errors import Conflict, NotFound
from kit.states import transition
from services.points.claims.models import Claim, Objection
from services.points.claims.rules import (
    CLAIM_FLOW,
    CLAIM_MISSING,
    OBJECTION_FLOW,
    ClaimDraft,
    check_claimable,
    check_objection_window,
    check_objector,
    check_occurred_on,
    check_review,
    fact_time,
    local_day,
    publicity_ends,
)
from services.points.events import publish
from services.points.evidence import service as evidence
from services.points.ledger.models import Account
from services.points.listing import service as listing
from services.points.listing.rules import Item, items_of

log = logging.getLogger("points.claims")


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


async def claim_item(session: AsyncSession, claim: Claim) -> Item | None:
    """The claimed item in the list version in force on the day it happened."""
    version = await listing.in_force(
        session, community_id=claim.community_id, at=fact_time(claim.occurred_on)
    )
    return next((i for i in items_of(version) if i.code == claim.item_code), None)


async def submit(
    *, session: AsyncSession, resident_id: uuid.UUID, draft: ClaimDraft, now: datetime
) -> Claim:
    check_occurred_on(draft.occurred_on, today=local_day(now))
    account = await resident_account(session, resident_id)
    assert account.community_id is not None
    item = await listing.item_in_force(
        session,
        community_id=account.community_id,
        code=draft.item_code,
        at=fact_time(draft.occurred_on),
        field="item_code",
    )
    check_claimable(item, draft.evidence)
    await evidence.check_cited(session, claimant=resident_id, urls=draft.evidence)
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
        await listing.ensure_staff_for(session, staff, claim.community_id)
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
    claim.status = transition(CLAIM_FLOW, claim.status, decision)
    claim.review_reason = reason
    claim.reviewed_by = staff.principal.sub
    if decision == "approve":
        community = await listing.settings_of(session, claim.community_id)
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
    found.status = transition(OBJECTION_FLOW, found.status, decision)
    found.resolved_by = staff.principal.sub
    # objections has no column for the resolution note yet: keep it in the audit log.
    log.info(
        "objection resolved",
        extra={"objection_id": str(found.id), "decision": decision, "note": reason},
    )
    if decision == "uphold":
        before = claim.status
        claim.status = transition(CLAIM_FLOW, claim.status, "uphold")
        if before != claim.status:
            claim.review_reason = found.reason
            claim.reviewed_by = staff.principal.sub
            await announce_review(session, claim, "reject")
    return found, claim
