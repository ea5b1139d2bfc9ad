"""Writing notices: create, edit (keeping earlier published texts), publish, withdraw, pin."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import NoticePublished, NoticeWithdrawn
from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from kit.paths import within
from kit.states import transition
from services.notices.board import rules, sheet
from services.notices.board.models import Notice, NoticeVersion
from services.notices.board.render import to_html
from services.notices.board.schemas import NoticeCreate, NoticeUpdate, sheet_dict
from services.notices.deps import MANAGERS
from services.notices.directory.service import covered_unit
from services.notices.events import publish as publish_event

NOT_FOUND = "公告不存在或无权访问"
# Fields PATCH may set to null (clearing them); the others must stay set.
NULLABLE = frozenset({"publish_at", "expires_at", "sheet"})


async def create_notice(
    *, session: AsyncSession, scope: StaffScope, body: NoticeCreate, author_id: uuid.UUID
) -> Notice:
    path = await covered_unit(session, scope, body.unit_id)
    rules.check_sheet_category(body.category, body.sheet is not None)
    rules.check_times(body.publish_at, body.expires_at)
    notice = Notice(
        id=uuid.uuid4(),
        unit_id=body.unit_id,
        unit_path=path,
        category=body.category,
        title=body.title,
        body=body.body,
        body_html=to_html(body.body),
        require_ack=body.require_ack,
        sheet=sheet.checked(sheet_dict(body.sheet)) if body.sheet is not None else None,
        status="draft",
        version=1,
        publish_at=body.publish_at,
        expires_at=body.expires_at,
        author_id=author_id,
    )
    session.add(notice)
    await session.flush()
    return notice


async def managed(
    session: AsyncSession, scope: StaffScope, notice_id: uuid.UUID, *, lock: bool = True
) -> Notice:
    """The notice, locked, if the staff member's grants cover its unit; 404 otherwise."""
    stmt = select(Notice).where(Notice.id == notice_id)
    notice = await session.scalar(stmt.with_for_update() if lock else stmt)
    if notice is None or not scope.covers(notice.unit_path):
        raise NotFound(NOT_FOUND)
    return notice


async def receipts_scope(
    session: AsyncSession, principal: Principal, notice_id: uuid.UUID
) -> tuple[Notice, set[uuid.UUID] | None]:
    """The notice and, for a grid worker, the units (their grids, or their community) whose
    residents they may count; None: everyone the notice reaches (a manager of its unit, or a
    worker whose grant covers it). 404 for anyone else, as for a missing notice."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(NOT_FOUND)
    if principal.can_act_on(notice.unit_path, *MANAGERS, "grid_worker"):
        return notice, None
    units = {
        uuid.UUID(g.unit_id)
        for g in principal.roles
        if g.role == "grid_worker" and within(g.unit_path, notice.unit_path)
    }
    if not units:
        raise NotFound(NOT_FOUND)
    return notice, units


async def update_notice(
    *,
    session: AsyncSession,
    scope: StaffScope,
    notice_id: uuid.UUID,
    body: NoticeUpdate,
    editor_id: uuid.UUID,
    now: datetime,
) -> Notice:
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise Invalid("该字段不能为空", field=name)
    notice = await managed(session, scope, notice_id)
    if notice.status not in rules.EDITABLE:
        raise Conflict("已撤回的公告不能再修改", field="status", current=notice.status)
    if notice.status != "draft" and "publish_at" in changes:
        raise Conflict("公告已排期或发布，不能修改发布时间", field="publish_at")
    rules.check_sheet_category(notice.category, changes.get("sheet") is not None)
    rules.check_times(
        changes.get("publish_at", notice.publish_at), changes.get("expires_at", notice.expires_at)
    )
    if notice.status == "published" and changes.keys() & {"title", "body", "require_ack", "sheet"}:
        _keep_version(session, notice, editor_id=editor_id, now=now)
    _apply(notice, changes)
    await session.flush()
    return notice


def _keep_version(
    session: AsyncSession, notice: Notice, *, editor_id: uuid.UUID, now: datetime
) -> None:
    session.add(
        NoticeVersion(
            notice_id=notice.id,
            version=notice.version,
            title=notice.title,
            body=notice.body,
            body_html=notice.body_html,
            require_ack=notice.require_ack,
            sheet=notice.sheet,
            replaced_at=now,
            replaced_by=editor_id,
        )
    )
    notice.version += 1


def _apply(notice: Notice, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name == "sheet":
            notice.sheet = sheet.checked(sheet_dict(value)) if value is not None else None
        else:
            setattr(notice, name, value)
    if "body" in changes:
        notice.body_html = to_html(notice.body)


async def publish(
    *, session: AsyncSession, scope: StaffScope, notice_id: uuid.UUID, now: datetime
) -> Notice:
    """Publish now, or schedule for `publish_at` when that is still ahead."""
    notice = await managed(session, scope, notice_id)
    rules.check_times(notice.publish_at, notice.expires_at, now)
    action = rules.publish_action(notice.publish_at, now)
    notice.status = transition(rules.FLOW, notice.status, action)
    if notice.status == "published":
        await _went_public(session, notice, now)
    await session.flush()
    return notice


async def release(session: AsyncSession, notice: Notice, now: datetime) -> None:
    """A scheduled notice whose time came goes public (called by the job on a locked row)."""
    notice.status = transition(rules.FLOW, notice.status, "release")
    await _went_public(session, notice, now)


async def _went_public(session: AsyncSession, notice: Notice, now: datetime) -> None:
    notice.published_at = now
    await publish_event(
        session,
        NoticePublished(**_event_fields(notice), published_at=now),
        subject=str(notice.id),
    )


async def withdraw(
    *, session: AsyncSession, scope: StaffScope, notice_id: uuid.UUID, reason: str, now: datetime
) -> Notice:
    notice = await managed(session, scope, notice_id)
    was_public = notice.status == "published"
    notice.status = transition(rules.FLOW, notice.status, "withdraw")
    notice.withdrawn_at, notice.withdraw_reason, notice.pinned_at = now, reason, None
    if was_public:
        event = NoticeWithdrawn(
            **_event_fields(notice),
            published_at=notice.published_at,
            withdrawn_at=now,
            reason=reason,
        )
        await publish_event(session, event, subject=str(notice.id))
    await session.flush()
    return notice


async def pin(
    *, session: AsyncSession, scope: StaffScope, notice_id: uuid.UUID, now: datetime
) -> Notice:
    notice = await managed(session, scope, notice_id)
    if notice.pinned_at is not None:
        return notice
    # One pinner per unit at a time, so two concurrent pins cannot both pass the count.
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('notices.pin'), hashtext(:unit))"),
        {"unit": str(notice.unit_id)},
    )
    pinned = await session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.unit_id == notice.unit_id, Notice.pinned_at.is_not(None))
    )
    rules.check_pin(notice.status, pinned or 0)
    notice.pinned_at = now
    await session.flush()
    return notice


async def unpin(*, session: AsyncSession, scope: StaffScope, notice_id: uuid.UUID) -> Notice:
    notice = await managed(session, scope, notice_id)
    notice.pinned_at = None
    await session.flush()
    return notice


def _event_fields(notice: Notice) -> dict[str, Any]:
    return {
        "notice_id": str(notice.id),
        "unit_id": str(notice.unit_id),
        "unit_path": notice.unit_path,
        "category": notice.category,
        "title": notice.title,
        "require_ack": notice.require_ack,
    }
