"""Notices (村务公开): /api/notices — write, publish, pin; read, acknowledge, receipts, sheets."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from kit.deps import CurrentPrincipal
from kit.errors import NotFound
from kit.schemas import EmptyIn
from services.notices.board import reads, receipt_people, receipts_xlsx, service, sheet, views
from services.notices.board.models import Notice
from services.notices.board.receipts import receipts as count_receipts
from services.notices.board.rules import Category
from services.notices.board.schemas import (
    NoticeCreate,
    NoticeOut,
    NoticePage,
    NoticeUpdate,
    ReceiptPersonPage,
    ReceiptsOut,
    WithdrawIn,
)
from services.notices.deps import NoticeManager, Now, Session

router = APIRouter(tags=["notices"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("", status_code=201)
async def create_notice(body: NoticeCreate, scope: NoticeManager, session: Session) -> NoticeOut:
    author = uuid.UUID(scope.principal.sub)
    notice = await service.create_notice(session=session, scope=scope, body=body, author_id=author)
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.patch("/{notice_id}")
async def update_notice(
    notice_id: uuid.UUID, body: NoticeUpdate, scope: NoticeManager, session: Session, now: Now
) -> NoticeOut:
    notice = await service.update_notice(
        session=session,
        scope=scope,
        notice_id=notice_id,
        body=body,
        editor_id=uuid.UUID(scope.principal.sub),
        now=now,
    )
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.post("/{notice_id}/publish")
async def publish_notice(
    notice_id: uuid.UUID,
    scope: NoticeManager,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> NoticeOut:
    notice = await service.publish(session=session, scope=scope, notice_id=notice_id, now=now)
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.post("/{notice_id}/withdraw")
async def withdraw_notice(
    notice_id: uuid.UUID, body: WithdrawIn, scope: NoticeManager, session: Session, now: Now
) -> NoticeOut:
    notice = await service.withdraw(
        session=session, scope=scope, notice_id=notice_id, reason=body.reason, now=now
    )
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.post("/{notice_id}/pin")
async def pin_notice(
    notice_id: uuid.UUID,
    scope: NoticeManager,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> NoticeOut:
    notice = await service.pin(session=session, scope=scope, notice_id=notice_id, now=now)
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.post("/{notice_id}/unpin")
async def unpin_notice(
    notice_id: uuid.UUID, scope: NoticeManager, session: Session, body: EmptyIn | None = None
) -> NoticeOut:
    notice = await service.unpin(session=session, scope=scope, notice_id=notice_id)
    answer = await views.staff_view(session, notice)
    await session.commit()
    return answer


@router.get("")
async def list_notices(
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
    unit_id: uuid.UUID | None = None,
    category: Category | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> NoticePage:
    """Residents: the notices in force for their community and above, pinned first, unread
    marked. Managers: every notice of the units they act for."""
    query = reads.ListQuery(unit_id=unit_id, category=category, q=q, cursor=cursor, limit=limit)
    return await reads.page(session, principal, query, now)


@router.get("/pinned")
async def pinned_notices(principal: CurrentPrincipal, session: Session, now: Now) -> NoticePage:
    """The pinned notices in force where the caller lives (community and above), at most
    three per unit; `next_cursor` is always null. The phone home screen shows these."""
    return await reads.pinned(session, principal, now)


@router.get("/{notice_id}")
async def read_notice(
    notice_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> NoticeOut:
    """Opening a notice records the resident's read (the first one counts)."""
    notice, as_staff = await reads.readable(session, principal, notice_id, now)
    if as_staff:
        return await views.staff_view(session, notice)
    receipt = await reads.record_read(session, notice, uuid.UUID(principal.sub), now)
    answer = await views.resident_view(session, notice, receipt)
    await session.commit()
    return answer


@router.post("/{notice_id}/ack")
async def acknowledge_notice(
    notice_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
    body: EmptyIn | None = None,
) -> NoticeOut:
    """Residents the notice reaches acknowledge it (staff too, where they live)."""
    found = await session.get(Notice, notice_id)
    notice = await reads.resident_reads(session, principal, found, now)
    receipt = await reads.acknowledge(session, notice, uuid.UUID(principal.sub), now)
    answer = await views.resident_view(session, notice, receipt)
    await session.commit()
    return answer


@router.get("/{notice_id}/receipts")
async def notice_receipts(
    notice_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> ReceiptsOut:
    """Managers of the notice's unit see all its residents; a grid worker whose grid lies
    under the unit sees their grid's residents, to follow up in person."""
    notice, units = await service.receipts_scope(session, principal, notice_id)
    return await count_receipts(session, notice, units=units)


@router.get("/{notice_id}/receipts/people")
async def notice_receipt_people(
    notice_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: Session,
    state: receipt_people.ReceiptState | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReceiptPersonPage:
    """The residents counted in the receipts, one a row (`state`: read, unread, acked,
    not_acked), for the follow-up list; scoped as the receipts are."""
    notice, units = await service.receipts_scope(session, principal, notice_id)
    return await receipt_people.people_page(
        session, notice, units=units, state=state, cursor=cursor, limit=limit
    )


@router.get("/{notice_id}/receipts.xlsx", response_class=Response)
async def receipts_xlsx_export(
    notice_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> Response:
    """The receipts as a workbook: counts, households to follow up, every resident."""
    notice, units = await service.receipts_scope(session, principal, notice_id)
    counts = await count_receipts(session, notice, units=units)
    people = await receipt_people.everyone(session, notice, units=units)
    content = receipts_xlsx.to_xlsx(notice.title, counts, people)
    disposition = f'attachment; filename="notice-{notice_id}-receipts.xlsx"'
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/{notice_id}/sheet.xlsx", response_class=Response)
async def sheet_xlsx(
    notice_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> Response:
    notice, _ = await reads.readable(session, principal, notice_id, now)
    content = sheet.to_xlsx(notice.title, _sheet_of(notice.sheet))
    return Response(content, media_type=XLSX, headers=_attachment(notice_id, "xlsx"))


@router.get("/{notice_id}/sheet.csv", response_class=Response)
async def sheet_csv(
    notice_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> Response:
    notice, _ = await reads.readable(session, principal, notice_id, now)
    content = sheet.to_csv(notice.title, _sheet_of(notice.sheet))
    return Response(
        content, media_type="text/csv; charset=utf-8", headers=_attachment(notice_id, "csv")
    )


def _sheet_of(value: dict[str, object] | None) -> dict[str, object]:
    if value is None:
        raise NotFound("该公告没有财务明细表")
    return value


def _attachment(notice_id: uuid.UUID, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="notice-{notice_id}-sheet.{ext}"'}
