"""Evidence photos: stored through kit.storage, served to those who may see them."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal, Role
from kit.content_types import check_image, require_type
from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from kit.storage import Storage, StoredObjectMissing, new_key, stored_for_commit
from services.points.base import LOCAL
from services.points.claims.models import Claim
from services.points.evidence import rules
from services.points.evidence.models import Evidence
from services.points.listing import service as listing

log = logging.getLogger("points.evidence")
# The roles that review claims (deps.PointsStaff, claims.reads.REVIEWERS).
REVIEWERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")


async def upload(
    *, session: AsyncSession, storage: Storage, uploader: uuid.UUID, data: bytes, now: datetime
) -> Evidence:
    """Store a photo for a claim to come. The file is stored first and its row committed
    after; if the row does not commit the file goes."""
    refusal = rules.upload_refusal(await _uploaded_today(session, uploader, now))
    if refusal is not None:
        raise Conflict(refusal, field="file")
    mime = require_type(data, rules.ALLOWED_TYPES, field="file", detail=rules.WRONG_TYPE)
    check_image(data, mime, field="file")
    evidence = Evidence(
        id=uuid.uuid4(),
        uploader_id=uploader,
        content_type=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=new_key("points-evidence", now=now),
        created_at=now,
    )
    async with stored_for_commit(storage, evidence.storage_key, data):
        session.add(evidence)
        await session.commit()
    return evidence


async def _uploaded_today(session: AsyncSession, uploader: uuid.UUID, now: datetime) -> int:
    day_start = datetime.combine(now.astimezone(LOCAL).date(), time(0), tzinfo=LOCAL)
    count = await session.scalar(
        select(func.count())
        .select_from(Evidence)
        .where(Evidence.uploader_id == uploader, Evidence.created_at >= day_start)
    )
    return int(count or 0)


async def check_cited(session: AsyncSession, *, claimant: uuid.UUID, urls: Sequence[str]) -> None:
    """A claim may cite our photos only if the claimant uploaded them (Invalid otherwise);
    other http(s) links pass as before."""
    wanted = {i: rules.id_of(u) for i, u in enumerate(urls)}
    ids = [e for e in wanted.values() if e is not None]
    if not ids:
        return
    found = set(
        await session.scalars(
            select(Evidence.id).where(Evidence.id.in_(ids), Evidence.uploader_id == claimant)
        )
    )
    for index, evidence_id in wanted.items():
        if evidence_id is not None and evidence_id not in found:
            raise Invalid(rules.NOT_YOURS, field=f"evidence.{index}")


async def readable(
    *, session: AsyncSession, principal: Principal | None, evidence_id: uuid.UUID
) -> Evidence:
    """The photo if the caller may see it, else 404 (the same as for no such id)."""
    evidence = await session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(rules.NOT_FOUND)
    reader = uuid.UUID(principal.sub) if principal is not None else None
    if reader == evidence.uploader_id:
        return evidence
    citing = await session.execute(
        select(Claim.status, Claim.community_id).where(
            Claim.evidence.contains([rules.url_of(evidence.id)])
        )
    )
    citations = [
        rules.Citation(status, await _is_staff_of(session, principal, community))
        for status, community in citing
    ]
    if rules.readable(reader=reader, uploader=evidence.uploader_id, citations=citations):
        return evidence
    raise NotFound(rules.NOT_FOUND)


async def _is_staff_of(
    session: AsyncSession, principal: Principal | None, community_id: uuid.UUID
) -> bool:
    if principal is None:
        return False
    scope = StaffScope(principal=principal, roles=REVIEWERS)
    if not scope.unit_paths:
        return False
    try:
        await listing.ensure_staff_for(session, scope, community_id)
    except NotFound:
        return False
    return True


async def content(*, storage: Storage, evidence: Evidence) -> bytes:
    try:
        return await storage.get(evidence.storage_key)
    except StoredObjectMissing:
        log.error("evidence file missing", extra={"evidence_id": str(evidence.id)})
        raise NotFound(rules.NOT_FOUND) from None
