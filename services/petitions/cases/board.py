"""The public board (公开栏): a community's public petitions from acceptance on, readable by
anyone — author masked or hidden, staff-only notes never included."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Invalid, NotFound
from services.petitions.cases.access import on_board
from services.petitions.cases.models import Petition, Support, TimelineEntry
from services.petitions.cases.rules import BOARD_STATES
from services.petitions.cases.schemas import EntryOut, PetitionSummary
from services.petitions.cases.views import entry_out, summary_out

Sort = Literal["latest", "supports"]


class BoardItem(PetitionSummary):
    rating_comment: str | None
    timeline: list[EntryOut]
    # Whether the signed-in reader supports it (附议); always false for an anonymous reader.
    supported_by_me: bool = False


class BoardPage(BaseModel):
    items: list[BoardItem]
    next_cursor: str | None


def encode(supports: int, at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{supports}|{at.isoformat()}|{row_id}".encode()).decode()


def decode(cursor: str) -> tuple[int, datetime, uuid.UUID]:
    try:
        count, at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        found = int(count), datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid("分页游标无效", field="cursor") from None
    if found[1].tzinfo is None:
        raise Invalid("分页游标无效", field="cursor")
    return found


async def board_page(
    session: AsyncSession,
    *,
    community_id: uuid.UUID,
    sort: Sort = "latest",
    category_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: int = 20,
    reader: uuid.UUID | None = None,
) -> BoardPage:
    stmt = select(Petition).where(
        Petition.community_id == community_id,
        Petition.visibility == "public",
        Petition.status.in_(BOARD_STATES),
    )
    if category_id is not None:
        stmt = stmt.where(Petition.category_id == category_id)
    key = (Petition.supports_count, Petition.created_at, Petition.id)
    if cursor:
        count, at, after = decode(cursor)
        if sort == "supports":
            stmt = stmt.where(tuple_(*key) < tuple_(count, at, after))
        else:
            stmt = stmt.where(tuple_(Petition.created_at, Petition.id) < tuple_(at, after))
    order = key if sort == "supports" else key[1:]
    stmt = stmt.order_by(*(c.desc() for c in order)).limit(limit + 1)
    rows = list(await session.scalars(stmt))
    items = rows[:limit]
    last = items[-1] if len(rows) > limit and items else None
    entries = await _public_entries(session, [p.id for p in items])
    mine = await _supported_by(session, reader, [p.id for p in items])
    return BoardPage(
        items=[_item(p, entries[p.id], p.id in mine) for p in items],
        next_cursor=encode(last.supports_count, last.created_at, last.id) if last else None,
    )


async def board_petition(session: AsyncSession, petition_id: uuid.UUID) -> Petition:
    petition = await session.get(Petition, petition_id)
    if petition is None or not on_board(petition):
        raise NotFound("诉求不存在或未公开")
    return petition


def _item(petition: Petition, entries: list[TimelineEntry], supported: bool) -> BoardItem:
    summary = summary_out(petition, full=False)
    return BoardItem(
        **summary.model_dump(),
        rating_comment=petition.rating_comment,
        timeline=[entry_out(e) for e in entries],
        supported_by_me=supported,
    )


async def _supported_by(
    session: AsyncSession, reader: uuid.UUID | None, ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these petitions the reader supports (one query for the page)."""
    if reader is None or not ids:
        return set()
    rows = await session.scalars(
        select(Support.petition_id).where(
            Support.petition_id.in_(ids), Support.resident_id == reader
        )
    )
    return set(rows)


async def _public_entries(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[TimelineEntry]]:
    found: dict[uuid.UUID, list[TimelineEntry]] = defaultdict(list)
    if not ids:
        return found
    rows = await session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.petition_id.in_(ids), TimelineEntry.public)
        .order_by(TimelineEntry.petition_id, TimelineEntry.at, TimelineEntry.seq)
    )
    for entry in rows:
        found[entry.petition_id].append(entry)
    return found
