"""What each action does beyond its move in the state table (one small function each)."""

from __future__ import annotations

import uuid

from contracts.petitions import (
    PetitionAccepted,
    PetitionAssigned,
    PetitionClosed,
    PetitionRated,
    PetitionRejected,
    PetitionReopened,
    PetitionResolved,
)
from kit.errors import Conflict, Invalid
from kit.states import TransitionRefused
from services.petitions.attachments.service import check_photos
from services.petitions.cases.publishing import announce, announce_adopted
from services.petitions.cases.rules import (
    ADOPTABLE_STATES,
    MAX_REOPENS,
    OPEN_STATES,
    after_rating,
    rating_open,
    resolve_due,
)
from services.petitions.cases.schemas import (
    AcceptIn,
    AdoptIn,
    AssignIn,
    CloseIn,
    NoteIn,
    ProgressIn,
    RateIn,
    ReasonIn,
    ReopenIn,
    ResolveIn,
    StartIn,
)
from services.petitions.cases.service import Act
from services.petitions.categories.models import Category
from services.petitions.directory import service as directory


async def accept(act: Act, body: AcceptIn) -> None:
    petition = act.petition
    await act.move(body=body.note)
    petition.accepted_at = act.now
    petition.overdue_since = None
    category = await act.session.get(Category, petition.category_id)
    assert category is not None  # a foreign key
    petition.resolve_due_at = resolve_due(act.now, category.resolve_within_days)
    await announce(act.session, PetitionAccepted, petition, at=act.now)
    assignee = body.assignee_id or category.default_assignee_id
    if assignee is not None or category.default_assignee_unit_id is not None:
        unit = None if body.assignee_id else category.default_assignee_unit_id
        await _assign_to(act, assignee, unit, field="assignee_id")


async def reject(act: Act, body: ReasonIn) -> None:
    await act.move(body=body.reason)
    await announce(act.session, PetitionRejected, act.petition, at=act.now, reason=body.reason)


async def cancel(act: Act, body: ReasonIn) -> None:
    await act.move(body=body.reason)


async def assign(act: Act, body: AssignIn) -> None:
    await _assign_to(act, body.assignee_id, body.assignee_unit_id, field="assignee_id")


async def _assign_to(
    act: Act, person: uuid.UUID | None, unit: uuid.UUID | None, *, field: str
) -> None:
    petition = act.petition
    if person is not None and not await directory.is_staff_of(
        act.session, person, petition.community_path
    ):
        raise Invalid("不是该社区的工作人员", field=field)
    if unit is not None and not await directory.unit_in(act.session, unit, petition.community_path):
        raise Invalid("不是该社区的网格", field="assignee_unit_id")
    await act.move("assign", public=True)
    petition.assignee_id, petition.assignee_unit_id = person, unit
    await announce(
        act.session,
        PetitionAssigned,
        petition,
        at=act.now,
        assignee_id=str(person) if person else None,
        assignee_unit_id=str(unit) if unit else None,
    )


async def start(act: Act, body: StartIn) -> None:
    await act.move(body=body.note)


async def progress(act: Act, body: ProgressIn) -> None:
    act.check()  # a loop in the table: allowed only while in progress
    photos = await _photos(act, body.photo_ids)
    if body.progress is not None:
        act.petition.progress = body.progress
    await act.entry(
        "progress", public=True, body=body.text, progress=body.progress, attachment_ids=photos
    )


async def resolve(act: Act, body: ResolveIn) -> None:
    photos = await _photos(act, body.photo_ids)
    await act.move()
    act.petition.resolved_at = act.now
    act.petition.overdue_since = None
    act.petition.progress = 100
    await act.entry("reply", public=True, body=body.reply, attachment_ids=photos)
    await announce(act.session, PetitionResolved, act.petition, at=act.now)


async def rate(act: Act, body: RateIn) -> None:
    act.check()
    _within_window(act)
    await _record_rating(act, body.rating, body.comment)
    if after_rating(body.rating, act.petition.reopen_count) == "reopen":
        await _reopen(act)
    else:
        await _close(act, closed_by="rating")


async def reopen(act: Act, body: ReopenIn) -> None:
    act.check()
    _within_window(act)
    if act.petition.reopen_count >= MAX_REOPENS:
        raise _refused(act, f"最多可重新办理 {MAX_REOPENS} 次")
    await _record_rating(act, body.rating, body.comment)
    await _reopen(act)


async def close(act: Act, body: CloseIn) -> None:
    act.check()
    await _close(act, closed_by="rating", comment=body.comment)


async def note(act: Act, body: NoteIn) -> None:
    if act.petition.status not in OPEN_STATES:
        raise _refused(act, "该诉求已办结，不能再添加备注")
    await act.entry("note", public=False, body=body.text)


async def adopt(act: Act, body: AdoptIn) -> None:
    petition = act.petition
    category = await act.session.get(Category, petition.category_id)
    if category is None or category.kind != "suggestion":
        raise Conflict("只有意见建议可以采纳", field="action")
    if petition.adopted_at is not None:
        raise Conflict("该建议已被采纳", field="action")
    if petition.status not in ADOPTABLE_STATES:
        raise _refused(act, "受理后才能采纳")
    petition.adopted_at = act.now
    await act.entry("adoption", public=True, body=body.note)
    await announce_adopted(act.session, petition, at=act.now)


# --- helpers --------------------------------------------------------------------------------


async def _photos(act: Act, ids: list[uuid.UUID]) -> list[str]:
    return await check_photos(
        act.session,
        petition_id=act.petition.id,
        uploader_id=uuid.UUID(act.actor_id),
        ids=ids,
        field="photo_ids",
    )


def _within_window(act: Act) -> None:
    if act.petition.status == "resolved" and not rating_open(act.petition.resolved_at, act.now):
        raise _refused(act, "评价期已过")


async def _record_rating(act: Act, rating: int, comment: str | None) -> None:
    petition = act.petition
    petition.rating, petition.rating_comment, petition.rated_at = rating, comment, act.now
    await act.entry("rating", public=True, body=comment, progress=None)
    await announce(act.session, PetitionRated, petition, at=act.now, rating=rating)


async def _reopen(act: Act) -> None:
    petition = act.petition
    await act.move("reopen")
    petition.reopen_count += 1
    petition.resolved_at = None
    # The unhappy rating was of the last answer; it stays in the timeline, and the next
    # answer is rated afresh (the dashboard counts a petition's final rating).
    petition.rating = petition.rating_comment = petition.rated_at = None
    category = await act.session.get(Category, petition.category_id)
    assert category is not None
    petition.resolve_due_at = resolve_due(act.now, category.resolve_within_days)
    petition.progress = None
    await announce(
        act.session, PetitionReopened, petition, at=act.now, reopen_count=petition.reopen_count
    )


async def _close(act: Act, *, closed_by: str, comment: str | None = None) -> None:
    await act.move("close" if act.action == "close" else "rate", body=comment)
    act.petition.closed_at = act.now
    await announce(act.session, PetitionClosed, act.petition, at=act.now, closed_by=closed_by)


def _refused(act: Act, detail: str) -> TransitionRefused:
    return TransitionRefused(
        detail,
        field="status",
        current=act.petition.status,
        action=act.action,
        allowed_actions=act.allowed(),
    )
